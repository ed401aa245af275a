#include "storage/s3/s3_xml.h"

#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <pugixml.hpp>

namespace b2c::s3 {
namespace {

pugi::xml_document parse(std::string_view xml, std::string_view what)
{
    pugi::xml_document doc;
    auto result = doc.load_buffer(xml.data(), xml.size());
    if (!result)
        throw std::runtime_error(fmt::format("the server's {} is not XML ({})", what, result.description()));
    return doc;
}

std::string unquote(std::string etag)
{
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
        etag = etag.substr(1, etag.size() - 2);
    return etag;
}

std::uint64_t to_size(const char* text, const std::string& key)
{
    try {
        std::size_t end = 0;
        auto value = std::stoull(text, &end);
        if (text[end] == '\0')
            return value;
    } catch (const std::exception&) {
    }
    throw std::runtime_error(fmt::format("the listing gives '{}' a size of '{}'", key, text));
}

}  // namespace

ListPage parse_list_objects_v2(std::string_view xml)
{
    auto doc = parse(xml, "listing");
    auto root = doc.child("ListBucketResult");
    if (!root)
        throw std::runtime_error("the server's answer is not a ListBucketResult");
    ListPage page;
    page.truncated = std::string_view(root.child_value("IsTruncated")) == "true";
    page.next_token = root.child_value("NextContinuationToken");
    if (page.truncated && page.next_token.empty())
        throw std::runtime_error("the listing is truncated but gives no NextContinuationToken");
    for (auto contents : root.children("Contents")) {
        RemoteObject object;
        object.key = contents.child_value("Key");
        object.size = to_size(contents.child_value("Size"), object.key);
        object.etag = unquote(contents.child_value("ETag"));
        object.last_modified = contents.child_value("LastModified");
        page.objects.push_back(std::move(object));
    }
    return page;
}

std::optional<S3ErrorBody> parse_error(std::string_view xml)
{
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size()))
        return std::nullopt;
    auto error = doc.child("Error");
    if (!error)
        return std::nullopt;
    return S3ErrorBody{error.child_value("Code"), error.child_value("Message")};
}

std::string parse_upload_id(std::string_view xml)
{
    auto doc = parse(xml, "answer to InitiateMultipartUpload");
    std::string id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
    if (id.empty())
        throw std::runtime_error("the server's answer to InitiateMultipartUpload has no UploadId");
    return id;
}

std::string parse_completed_etag(std::string_view xml)
{
    pugi::xml_document doc;
    if (!doc.load_buffer(xml.data(), xml.size()))
        return {};
    return unquote(doc.child("CompleteMultipartUploadResult").child_value("ETag"));
}

std::string complete_multipart_xml(const std::vector<std::string>& part_etags)
{
    pugi::xml_document doc;
    auto root = doc.append_child("CompleteMultipartUpload");
    root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
    for (std::size_t i = 0; i < part_etags.size(); ++i) {
        auto part = root.append_child("Part");
        part.append_child("PartNumber").text() = static_cast<unsigned long long>(i + 1);
        part.append_child("ETag").text() = ('"' + part_etags[i] + '"').c_str();
    }
    std::ostringstream out;
    doc.save(out, "", pugi::format_raw);
    return out.str();
}

}  // namespace b2c::s3
