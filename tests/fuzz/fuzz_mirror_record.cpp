// A mirror record read back from the cache disk (storage/s3/mirror_record.h):
// it outlives boots, and a power cut or a full disk may leave any bytes.
// Properties: what we parse, we format and parse back the same; a record
// names one location and is ignored for any other; a record cut short of
// its last new line is ignored as a whole.
#include "storage/s3/mirror_record.h"
#include "tests/fuzz/fuzz_check.h"

#include <string>

using namespace b2c::s3;

namespace {

constexpr std::string_view location = "http://127.0.0.1:9000 bkt/pre/";

bool same(const RecordedFiles& a, const RecordedFiles& b)
{
    if (a.size() != b.size())
        return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (i->first != j->first || i->second.stamp != j->second.stamp || i->second.etag != j->second.etag)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = b2c::fuzz::as_text(data, size);
    auto files = parse_mirror_record(text, location);
    for (const auto& [path, file] : files) {
        FUZZ_CHECK(!path.empty() && path.find('\n') == std::string::npos);
        FUZZ_CHECK(!file.etag.empty() && file.etag.find_first_of(" \n") == std::string::npos);
    }
    FUZZ_CHECK(same(parse_mirror_record(format_mirror_record(location, files), location), files));
    if (!files.empty()) {
        FUZZ_CHECK(parse_mirror_record(text, std::string(location) + "x").empty());
        FUZZ_CHECK(parse_mirror_record(text.substr(0, text.size() - 1), location).empty());
    }
    return 0;
}
