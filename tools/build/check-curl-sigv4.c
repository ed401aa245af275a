/* Sends one S3 PUT signed by libcurl's CURLOPT_AWS_SIGV4 with the three
 * SSE-C headers to http://127.0.0.1:PORT/, for check-curl-sigv4.py to read
 * back. Built by tools/build/build-curl against the libcurl it just made.
 * Usage: check-curl-sigv4 PORT */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    char url[256];
    snprintf(url, sizeof url, "%s/bucket/some%%20key?x-id=PutObject", argv[1]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL* h = curl_easy_init();
    if (!h)
        return 1;
    struct curl_slist* headers = NULL;
    /* AWS sorts signed headers by name: ...-customer-key before ...-customer-key-md5.
     * curl < 8.10 sorted "name:value" lines, and ':' (0x3a) > '-' (0x2d). */
    headers = curl_slist_append(headers, "x-amz-server-side-encryption-customer-algorithm: AES256");
    headers = curl_slist_append(headers, "x-amz-server-side-encryption-customer-key: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
    headers = curl_slist_append(headers, "x-amz-server-side-encryption-customer-key-md5: zZ5FnqcIqUjVwvWmyog4zw==");
    headers = curl_slist_append(headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(h, CURLOPT_USERNAME, "AKIDEXAMPLE");
    curl_easy_setopt(h, CURLOPT_PASSWORD, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, "hello");
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (argc == 3)
        curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    printf("%s: %s, HTTP %ld\n", curl_version(), curl_easy_strerror(rc), code);
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    return rc == CURLE_OK && code == 200 ? 0 : 1;
}
