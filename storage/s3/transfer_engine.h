// Runs many S3 requests at once on ONE libcurl multi handle: at most
// `max_in_flight` at a time (connections are reused between them), each
// retried with exponential backoff on connection errors, 5xx and 429, up to
// `attempts` times. A request's `done` may add more requests (the parts of
// a multipart upload after its initiation, say).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/s3/quick_ack.h"
#include "storage/s3/response_headers.h"
#include "storage/s3/signed_request.h"
#include "storage/s3/temp_file.h"

namespace b2c::s3 {

struct EngineOptions {
    unsigned max_in_flight = 16;
    unsigned attempts = 5;
    std::chrono::milliseconds first_retry_delay{500};
    std::vector<std::string> secrets;  // never in an error text
};

struct Outcome {
    bool ok = false;                 // a 2xx answer, possibly after retries
    long status = 0;                 // HTTP status; 0 when no answer came
    std::string s3_code;             // <Code> of an S3 error document
    std::string error;               // why it failed, secrets redacted
    std::string body;                // the answer, when not downloaded to a file
    ResponseHeaders headers;         // names in lower case
    std::unique_ptr<TempFile> file;  // the downloaded body, when asked for one
    std::string file_etag;           // its ETag, computed while it was written
    std::uint64_t file_size = 0;     // bytes of the body written to a file
};

struct Transfer {
    Request request;
    // A PUT body: bytes [offset, offset + length) of a local file, opened
    // by `open` when the request starts; `name` for messages.
    struct FileRange {
        std::function<UniqueFd()> open;
        std::string name;
        std::uint64_t offset = 0, length = 0;
    };
    std::optional<FileRange> upload;
    // A GET body goes to the temporary file this makes, its ETag computed
    // for parts of `download_part_size` (0: plain MD5).
    std::function<std::unique_ptr<TempFile>()> download_to;
    std::uint64_t download_part_size = 0;
    // Or a GET body written at `offset` of an open file (one range of a
    // download in parallel ranges); Outcome::file_size counts the bytes.
    struct WriteAt {
        int fd = -1;
        std::uint64_t offset = 0;
    };
    std::optional<WriteAt> download_at;
    // Called once before the first attempt (e.g. hashing a file for
    // Content-MD5 only when its turn comes); may throw to fail the transfer.
    std::function<void(Request&)> prepare;
    std::function<void(Outcome&)> done;
};

class TransferEngine {
public:
    TransferEngine(Credentials credentials, EngineOptions options);
    ~TransferEngine();
    TransferEngine(const TransferEngine&) = delete;
    TransferEngine& operator=(const TransferEngine&) = delete;

    void add(Transfer transfer);
    // Until every transfer, and those their `done` added, has finished.
    void run();

    std::uint64_t bytes_uploaded() const { return uploaded_; }
    std::uint64_t bytes_downloaded() const { return downloaded_; }

    struct Active;  // one attempt in flight

private:
    struct Queued {
        std::shared_ptr<Transfer> transfer;
        unsigned attempt = 1;
    };
    void start(Queued queued);
    void finish(CURL* easy, CURLcode code);

    Credentials credentials_;
    EngineOptions options_;
    QuickAck quick_ack_;  // before multi_: the connections it keeps are closed through it
    CurlMulti multi_;
    std::deque<Queued> ready_;
    std::multimap<std::chrono::steady_clock::time_point, Queued> waiting_;  // retries, by due time
    std::map<CURL*, std::unique_ptr<Active>> active_;
    std::uint64_t uploaded_ = 0, downloaded_ = 0;
};

}  // namespace b2c::s3
