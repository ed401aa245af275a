// The X-Amz-Meta-Mc-Attrs header of an object (mc's format). Property: what
// we parse, we format and parse back the same.
#include "storage/s3/mc_attrs.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::s3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto attributes = parse_mc_attrs(b2c::fuzz::as_text(data, size));
    FUZZ_CHECK(parse_mc_attrs(format_mc_attrs(attributes)) == attributes);
    return 0;
}
