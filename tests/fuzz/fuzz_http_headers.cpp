// The header lines of an HTTP answer (S3 and b2c.extra_args_url's server),
// one per '\n' as libcurl hands them over.
#include "storage/s3/response_headers.h"
#include "tests/fuzz/fuzz_check.h"

using namespace b2c::s3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = b2c::fuzz::as_text(data, size);
    ResponseHeaders headers;
    for (std::size_t start = 0; start < text.size();) {
        auto end = text.find('\n', start);
        end = end == std::string_view::npos ? text.size() : end + 1;
        add_header_line(text.substr(start, end - start), headers);
        start = end;
    }
    for (const auto& [name, value] : headers) {
        FUZZ_CHECK(!name.empty() && name.find(':') == std::string::npos);
        auto etag = unquoted_etag(value);
        FUZZ_CHECK(etag.size() <= value.size());
    }
    return 0;
}
