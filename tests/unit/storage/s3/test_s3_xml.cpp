#include <catch2/catch.hpp>

#include "storage/s3/s3_xml.h"

using namespace b2c::s3;

TEST_CASE("a truncated ListObjectsV2 page gives its objects and the next token")
{
    auto page = parse_list_objects_v2(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bkt</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>p/a b+c.txt</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>
    <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag><Size>0</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>p/日本/ключ &amp; é.bin</Key><LastModified>2024-01-02T03:04:06.000Z</LastModified>
    <ETag>"0123456789abcdef0123456789abcdef-5"</ETag><Size>73400320</Size></Contents>
</ListBucketResult>)");
    REQUIRE(page.objects.size() == 2);
    CHECK(page.truncated);
    CHECK(page.next_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    CHECK(page.objects[0].key == "p/a b+c.txt");
    CHECK(page.objects[0].size == 0);
    CHECK(page.objects[0].etag == "d41d8cd98f00b204e9800998ecf8427e");
    CHECK(page.objects[0].last_modified == "2024-01-02T03:04:05.000Z");
    CHECK(page.objects[1].key == "p/日本/ключ & é.bin");
    CHECK(page.objects[1].size == 73400320);
    CHECK(page.objects[1].etag == "0123456789abcdef0123456789abcdef-5");
}

TEST_CASE("the last page and an empty bucket")
{
    auto last = parse_list_objects_v2(R"(<ListBucketResult><IsTruncated>false</IsTruncated>
      <Contents><Key>k</Key><Size>3</Size><ETag>"x"</ETag></Contents></ListBucketResult>)");
    CHECK_FALSE(last.truncated);
    CHECK(last.objects.size() == 1);
    auto empty = parse_list_objects_v2(R"(<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
      <Name>bkt</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>)");
    CHECK(empty.objects.empty());
    CHECK_FALSE(empty.truncated);
}

TEST_CASE("listings that cannot be used are errors")
{
    CHECK_THROWS_WITH(parse_list_objects_v2("<ListBucketResult><Contents>"), Catch::Contains("not XML"));
    CHECK_THROWS_WITH(parse_list_objects_v2("<Error><Code>NoSuchBucket</Code></Error>"),
                      Catch::Contains("not a ListBucketResult"));
    CHECK_THROWS_WITH(parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
                      Catch::Contains("NextContinuationToken"));
    CHECK_THROWS_WITH(
        parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>12a</Size></Contents></ListBucketResult>"),
        Catch::Contains("'k'") && Catch::Contains("12a"));
}

TEST_CASE("error documents, upload ids and the completion body")
{
    auto error = parse_error(R"(<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Reduce your rate.</Message>
      <RequestId>1</RequestId></Error>)");
    REQUIRE(error);
    CHECK(error->code == "SlowDown");
    CHECK(error->message == "Reduce your rate.");
    CHECK_FALSE(parse_error("<CompleteMultipartUploadResult/>"));
    CHECK_FALSE(parse_error(""));

    CHECK(parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2Fk</UploadId>"
                          "</InitiateMultipartUploadResult>") == "VXBsb2Fk");
    CHECK_THROWS_WITH(parse_upload_id("<InitiateMultipartUploadResult/>"), Catch::Contains("no UploadId"));

    CHECK(parse_completed_etag("<?xml version=\"1.0\"?><CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                               "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>"
                               "</CompleteMultipartUploadResult>") == "3858f62230ac3c915f300c664312c11f-9");
    CHECK(parse_completed_etag("<CompleteMultipartUploadResult/>").empty());
    CHECK(parse_completed_etag("not xml <").empty());

    CHECK(complete_multipart_xml({"aa", "bb"}) ==
          "<?xml version=\"1.0\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
          "<Part><PartNumber>1</PartNumber><ETag>\"aa\"</ETag></Part>"
          "<Part><PartNumber>2</PartNumber><ETag>\"bb\"</ETag></Part></CompleteMultipartUpload>");
}
