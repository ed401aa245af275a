// An extra-args file (b2c.extra_args_url) after a fixed command line, with
// the phases that already ran chosen by the first byte.
#include "cmdline/config.h"
#include "tests/fuzz/fuzz_check.h"

using b2c::cmdline::ReadIn;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    std::vector<ReadIn> done;
    constexpr ReadIn phases[] = {ReadIn::modules, ReadIn::storage,  ReadIn::network,
                                 ReadIn::clock,   ReadIn::identity, ReadIn::keymap};
    for (unsigned i = 0; i < std::size(phases); ++i)
        if (data[0] & (1u << i))
            done.push_back(phases[i]);
    auto file = b2c::fuzz::as_text(data + 1, size - 1);
    auto config = b2c::cmdline::with_extra_args("console=ttyS0 b2c.extra_args_url=http://10.0.2.2/args b2c.run=busybox",
                                                file, done);
    (void)b2c::cmdline::describe(config);
    return 0;
}
