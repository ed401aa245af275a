#include "common/redaction.h"

namespace b2c {

std::string redact(std::string text, const std::vector<std::string>& secrets)
{
    for (const auto& secret : secrets) {
        if (secret.empty())
            continue;
        for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
            text.replace(pos, secret.size(), "***");
    }
    return text;
}

}  // namespace b2c
