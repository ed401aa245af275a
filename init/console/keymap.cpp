#include "init/console/keymap.h"

#include <fcntl.h>
#include <linux/kd.h>
#include <linux/keyboard.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "common/errors.h"
#include "common/text.h"
#include "common/unique_fd.h"

namespace b2c::console {
namespace {

static_assert(kKeysPerTable == NR_KEYS && kMaxTables == MAX_NR_KEYMAPS && kMaxStrings == MAX_NR_FUNC &&
              kMaxAccents == MAX_DIACR && kKeyHole == K_HOLE);

std::string lowercase(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string language_of(const std::string& name)
{
    return lowercase(name.substr(0, name.find_first_of("-_")));
}

KeymapError unknown_keymap(const std::string& name, const std::filesystem::path& directory)
{
    auto available = available_keymaps(directory);
    if (available.empty())
        return KeymapError(fmt::format("b2c.keymap={}: this initramfs has no keymaps in {}", name, directory.string()));
    auto close = close_keymap_names(name, available);
    if (!close.empty())
        return KeymapError(fmt::format("b2c.keymap={}: no such keymap; did you mean {}?", name, join(close, ", ")));
    return KeymapError(fmt::format("b2c.keymap={}: no such keymap; the {} available are: {}", name, available.size(),
                                   join(available, " ")));
}

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file.is_open())
        throw KeymapError(fmt::format("cannot open the keymap file {}", path.string()));
    std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (file.bad())
        throw KeymapError(fmt::format("cannot read the keymap file {}", path.string()));
    return bytes;
}

// The first console that answers KDGKBTYPE: tty0 is the foreground virtual
// terminal; /dev/console is often a serial port, which has no keyboard.
UniqueFd open_keyboard_console()
{
    const char* const candidates[] = {"/dev/tty0", "/dev/tty1", "/dev/console"};
    std::vector<std::string> tried;
    for (const char* path : candidates) {
        UniqueFd fd(::open(path, O_RDWR | O_NOCTTY | O_CLOEXEC));
        if (!fd) {
            tried.push_back(fmt::format("{}: {}", path, error_text(errno)));
            continue;
        }
        char type = 0;
        if (::ioctl(fd.get(), KDGKBTYPE, &type) == 0 && (type == KB_101 || type == KB_84))
            return fd;
        tried.push_back(fmt::format("{}: not a keyboard console", path));
    }
    throw KeymapError(fmt::format("no console takes keyboard ioctls ({}): does the kernel have "
                                  "virtual terminals (CONFIG_VT)?",
                                  join(tried, "; ")));
}

// loadkeys reports each refused entry and goes on; so do we, then fail once.
class Refusals {
public:
    void note(int error, std::string_view what)
    {
        if (count_++ == 0)
            first_ = fmt::format("{}: {}", what, error_text(error));
    }
    void throw_if_any(const std::string& name) const
    {
        if (count_ > 0)
            throw KeymapError(
                fmt::format("b2c.keymap={}: the kernel refused {} entries (first: {})", name, count_, first_));
    }

private:
    std::size_t count_ = 0;
    std::string first_;
};

void set_key(const UniqueFd& console, unsigned table, unsigned key, std::uint16_t value, Refusals& refusals)
{
    kbentry entry{};
    entry.kb_table = static_cast<unsigned char>(table);
    entry.kb_index = static_cast<unsigned char>(key);
    entry.kb_value = value;
    if (::ioctl(console.get(), KDSKBENT, &entry) != 0) {
        int error = errno;  // before anything else can change it
        refusals.note(error, fmt::format("table {} key {} = {:#06x}", table, key, value));
    }
}

void write_tables(const UniqueFd& console, const Keymap& keymap, Refusals& refusals)
{
    // Key 0 set to K_NOSUCHMAP removes a table: those the file does not have
    // go, so that nothing of the previous layout remains (table 0 always stays).
    std::vector<bool> present(kMaxTables, false);
    for (const auto& table : keymap.tables)
        present[table.index] = true;
    for (unsigned index = 1; index < kMaxTables; ++index)
        if (!present[index])
            set_key(console, index, 0, K_NOSUCHMAP, refusals);
    // Key 0 is skipped: the kernel only checks what is written there.
    for (const auto& table : keymap.tables)
        for (unsigned key = 1; key < table.keys.size(); ++key)
            set_key(console, table.index, key, table.keys[key], refusals);
}

void write_strings(const UniqueFd& console, const Keymap& keymap, Refusals& refusals)
{
    for (const auto& string : keymap.strings) {
        kbsentry entry{};
        entry.kb_func = string.index;
        std::memcpy(entry.kb_string, string.text.data(), string.text.size());  // NUL from {}
        if (::ioctl(console.get(), KDSKBSENT, &entry) != 0) {
            int error = errno;
            refusals.note(error, fmt::format("function string {}", string.index));
        }
    }
}

void write_accents(const UniqueFd& console, const Keymap& keymap, Refusals& refusals)
{
    if (keymap.accents.empty())
        return;  // keep the kernel's compose table, as loadkeys does
    kbdiacrsuc table{};
    table.kb_cnt = static_cast<unsigned int>(keymap.accents.size());
    for (std::size_t i = 0; i < keymap.accents.size(); ++i)
        table.kbdiacruc[i] = {keymap.accents[i].diacr, keymap.accents[i].base, keymap.accents[i].result};
    if (::ioctl(console.get(), KDSKBDIACRUC, &table) != 0)
        refusals.note(errno, "the accent table");
}

}  // namespace

std::vector<std::string> available_keymaps(const std::filesystem::path& directory)
{
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error))
        if (entry.path().extension() == ".bkm")
            names.push_back(entry.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> close_keymap_names(const std::string& wanted, const std::vector<std::string>& available)
{
    auto wanted_lower = lowercase(wanted);
    auto language = language_of(wanted);
    std::vector<std::string> close;
    for (const auto& name : available)
        if (language_of(name) == language || within_edit_distance(lowercase(name), wanted_lower, 1))
            close.push_back(name);
    return close;
}

void load_keymap(const std::string& name, const std::filesystem::path& directory)
{
    auto path = directory / (name + ".bkm");
    std::error_code missing;
    if (name.empty() || name.find('/') != std::string::npos || !std::filesystem::is_regular_file(path, missing))
        throw unknown_keymap(name, directory);
    auto keymap = parse_keymap_file(read_file(path), path.string());
    auto console = open_keyboard_console();
    Refusals refusals;
    write_tables(console, keymap, refusals);
    write_strings(console, keymap, refusals);
    write_accents(console, keymap, refusals);
    refusals.throw_if_any(name);
    spdlog::info("keymap {} loaded: {} tables, {} function strings, {} compose entries", name, keymap.tables.size(),
                 keymap.strings.size(), keymap.accents.size());
}

}  // namespace b2c::console
