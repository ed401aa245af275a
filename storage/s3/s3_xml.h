// The XML of S3's answers and of the one request body we send
// (CompleteMultipartUpload), with pugixml. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/s3/mirror.h"

namespace b2c::s3 {

struct ListPage {
    std::vector<RemoteObject> objects;
    bool truncated = false;
    std::string next_token;  // NextContinuationToken, when truncated
};

// A ListObjectsV2 answer. Throws std::runtime_error when it is not one.
ListPage parse_list_objects_v2(std::string_view xml);

struct S3ErrorBody {
    std::string code;     // e.g. NoSuchBucket
    std::string message;  // the server's sentence
};

// An <Error> document (also found in a 200 answer to CompleteMultipartUpload).
std::optional<S3ErrorBody> parse_error(std::string_view xml);

// The UploadId of an InitiateMultipartUpload answer; throws when missing.
std::string parse_upload_id(std::string_view xml);

// The ETag of a CompleteMultipartUploadResult, without quotes (what the
// listings will show); empty when the answer has none or is no XML.
std::string parse_completed_etag(std::string_view xml);

// The body of CompleteMultipartUpload: part i+1 has ETag part_etags[i].
std::string complete_multipart_xml(const std::vector<std::string>& part_etags);

}  // namespace b2c::s3
