// Container arguments split into words, and the command line's tokenizer.
// Property: words quoted back with shell_quote split into the same words.
#include "cmdline/kernel_cmdline.h"
#include "common/text.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = b2c::fuzz::as_text(data, size);
    try {
        (void)b2c::cmdline::tokenize_kernel_cmdline(text);
    } catch (const b2c::cmdline::SyntaxError&) {
    }
    std::vector<std::string> words;
    try {
        words = b2c::cmdline::split_shell_words(text);
    } catch (const b2c::cmdline::SyntaxError&) {
        return 0;
    }
    std::vector<std::string> quoted;
    for (const auto& word : words)
        quoted.push_back(b2c::shell_quote(word));
    FUZZ_CHECK(b2c::cmdline::split_shell_words(b2c::join(quoted, " ")) == words);
    return 0;
}
