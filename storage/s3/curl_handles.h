// Owned libcurl handles: easy, multi and header lists.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace b2c::s3 {

struct CurlEasyDeleter {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct CurlMultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct CurlSlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using HeaderList = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// curl_global_init, once per process, before the first handle.
void init_curl_once();

}  // namespace b2c::s3
