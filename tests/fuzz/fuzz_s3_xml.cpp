// S3's XML answers: a listing, an error document, a multipart initiation
// and completion.
// Each parser throws std::runtime_error on a document it does not accept.
#include <stdexcept>

#include "storage/s3/s3_xml.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::s3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto xml = b2c::fuzz::as_text(data, size);
    try {
        auto page = parse_list_objects_v2(xml);
        FUZZ_CHECK(!page.truncated || !page.next_token.empty());
    } catch (const std::runtime_error&) {
    }
    (void)parse_error(xml);
    (void)parse_completed_etag(xml);
    try {
        FUZZ_CHECK(!parse_upload_id(xml).empty());
    } catch (const std::runtime_error&) {
    }
    return 0;
}
