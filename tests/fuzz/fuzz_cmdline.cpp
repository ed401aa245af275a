// The kernel command line: every option family, the tokenizer, the secret
// finder and the dump of --dry-run. parse_config never throws (a bad option
// becomes a diagnostic), so any exception here is a bug.
#include "cmdline/config.h"
#include "cmdline/kernel_cmdline.h"
#include "cmdline/secrets.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = b2c::fuzz::as_text(data, size);
    auto config = b2c::cmdline::parse_config(text);
    (void)b2c::cmdline::describe(config);
    (void)config.secrets();
    (void)b2c::cmdline::scan_params(text);
    // A secret found in the text is gone from what the console shows. (Only
    // one written once, without the mask in it, is checked: the mask goes
    // where the option is, so a copy elsewhere, or "password=***" left by
    // masking another option, is not that secret.) With broken quoting the
    // mask may cover more than the secret: never less.
    auto redacted = b2c::cmdline::redact_cmdline(text);
    for (const auto& secret : b2c::cmdline::find_secrets(text)) {
        auto first = text.find(secret);
        if (secret.size() >= 12 && text.find(secret, first + 1) == std::string_view::npos &&
            secret.find("***") == std::string::npos)
            FUZZ_CHECK(redacted.find(secret) == std::string::npos);
    }
    return 0;
}
