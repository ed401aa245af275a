#include "tools/b2c-vm/console.h"

#include <array>
#include <charconv>

#include "common/text.h"

namespace b2c::vm {

std::optional<int> parse_status_line(std::string_view line)
{
    auto at = line.rfind(console_contract::status_line);
    if (at == std::string_view::npos)
        return std::nullopt;
    auto rest = line.substr(at + console_contract::status_line.size());
    int value = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || end == rest.data())
        return std::nullopt;
    if (!trim(rest.substr(static_cast<std::size_t>(end - rest.data()))).empty())
        return std::nullopt;
    return value;
}

bool is_session_end_line(std::string_view line)
{
    auto text = trim(line);
    return text.ends_with(console_contract::power_off_line) || text.ends_with(console_contract::reboot_line);
}

std::string strip_ansi(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\x1b') {
            out += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '[') {
            i += 2;  // CSI: parameters, then one final byte in @..~
            while (i < text.size() && !(text[i] >= '@' && text[i] <= '~'))
                ++i;
        } else {
            ++i;  // two-byte escape such as ESC c
        }
    }
    return out;
}

bool is_firmware_line(std::string_view line)
{
    static constexpr std::array<std::string_view, 7> kPrefixes{
        "SeaBIOS", "iPXE", "Press Ctrl-B", "Press ESC", "Booting from", "Probing EDD", "Machine UUID"};
    auto text = strip_ansi(line);
    auto trimmed = trim(text);
    if (trimmed.empty())
        return true;
    for (auto prefix : kPrefixes)
        if (trimmed.starts_with(prefix))
            return true;
    return false;
}

void ConsoleWatcher::feed(std::string_view bytes)
{
    while (!bytes.empty()) {
        auto newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            partial_.append(bytes);
            if (partial_.size() > kMaxLine)  // no newline for ages: not a status line
                partial_.erase(0, partial_.size() - kMaxLine);
            return;
        }
        partial_.append(bytes.substr(0, newline));
        scan_line(partial_);
        partial_.clear();
        bytes.remove_prefix(newline + 1);
    }
}

void ConsoleWatcher::finish()
{
    if (!partial_.empty())
        scan_line(partial_);
    partial_.clear();
}

void ConsoleWatcher::scan_line(std::string_view line)
{
    if (auto status = parse_status_line(line))
        status_ = status;
    if (is_session_end_line(line))
        session_ended_ = true;
    if (!alive_ && !is_firmware_line(line))
        alive_ = true;
}

}  // namespace b2c::vm
