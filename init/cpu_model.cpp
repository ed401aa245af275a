// The runtime summary's CPU line (runtime_summary.h): arm64 kernels give
// /proc/cpuinfo no "model name", only the MIDR's implementer and part
// numbers; these are the names lscpu and the vendors' manuals give them.
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/text.h"
#include "init/runtime_summary.h"

namespace b2c::init {
namespace {

struct Implementer {
    unsigned id;
    const char* name;
};
constexpr Implementer kImplementers[] = {
    {0x41, "ARM"}, {0x42, "Broadcom"}, {0x43, "Cavium"}, {0x48, "HiSilicon"}, {0x4e, "NVIDIA"},
    {0x50, "APM"}, {0x51, "Qualcomm"}, {0x61, "Apple"},  {0x6d, "Microsoft"}, {0xc0, "Ampere"},
};

struct Part {
    unsigned implementer;
    unsigned id;
    const char* name;
};
constexpr Part kParts[] = {
    {0x41, 0xd03, "Cortex-A53"},  {0x41, 0xd04, "Cortex-A35"},  {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd07, "Cortex-A57"},  {0x41, 0xd08, "Cortex-A72"},  {0x41, 0xd09, "Cortex-A73"},
    {0x41, 0xd0a, "Cortex-A75"},  {0x41, 0xd0b, "Cortex-A76"},  {0x41, 0xd0c, "Neoverse-N1"},
    {0x41, 0xd0d, "Cortex-A77"},  {0x41, 0xd40, "Neoverse-V1"}, {0x41, 0xd41, "Cortex-A78"},
    {0x41, 0xd44, "Cortex-X1"},   {0x41, 0xd46, "Cortex-A510"}, {0x41, 0xd47, "Cortex-A710"},
    {0x41, 0xd48, "Cortex-X2"},   {0x41, 0xd49, "Neoverse-N2"}, {0x41, 0xd4b, "Cortex-A78C"},
    {0x41, 0xd4d, "Cortex-A715"}, {0x41, 0xd4e, "Cortex-X3"},   {0x41, 0xd4f, "Neoverse-V2"},
    {0x41, 0xd80, "Cortex-A520"}, {0x41, 0xd81, "Cortex-A720"}, {0x43, 0x0af, "ThunderX2"},
    {0x48, 0xd01, "Kunpeng-920"}, {0xc0, 0xac3, "AmpereOne"},
};

// "0x41" -> 0x41; nullopt for anything else.
std::optional<unsigned> hex_number(const std::string& text)
{
    if (!text.starts_with("0x"))
        return std::nullopt;
    unsigned value = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data() + 2, end, value, 16);
    if (error != std::errc() || stop != end || stop == text.data() + 2)
        return std::nullopt;
    return value;
}

std::string core_name(const std::string& implementer_text, const std::string& part_text)
{
    auto implementer = hex_number(implementer_text);
    auto part = hex_number(part_text);
    if (implementer && part) {
        for (const auto& known : kParts)
            if (known.implementer == *implementer && known.id == *part)
                for (const auto& vendor : kImplementers)
                    if (vendor.id == *implementer)
                        return fmt::format("{} {}", vendor.name, known.name);
        for (const auto& vendor : kImplementers)
            if (vendor.id == *implementer)
                return fmt::format("{} part {}", vendor.name, part_text);
    }
    return fmt::format("implementer {} part {}", implementer_text, part_text);
}

}  // namespace

std::string cpu_model(std::string_view cpuinfo)
{
    std::vector<std::string> cores;  // each kind once, in the kernel's order
    std::string implementer;
    for (const auto& line : split(cpuinfo, '\n')) {
        auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        std::string key(trim(std::string_view(line).substr(0, colon)));
        std::string value(trim(std::string_view(line).substr(colon + 1)));
        if (key == "model name")
            return value;
        if (key == "CPU implementer")
            implementer = value;
        else if (key == "CPU part" && !implementer.empty()) {
            auto name = core_name(implementer, value);
            if (std::find(cores.begin(), cores.end(), name) == cores.end())
                cores.push_back(name);
        }
    }
    return join(cores, " + ");
}

}  // namespace b2c::init
