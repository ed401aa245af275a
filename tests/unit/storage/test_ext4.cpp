#include <catch2/catch.hpp>

#include "storage/ext4.h"

using b2c::storage::fsck_verdict;
using b2c::storage::FsckVerdict;

TEST_CASE("e2fsck -p exit codes")
{
    CHECK(fsck_verdict(0) == FsckVerdict::clean);
    CHECK(fsck_verdict(1) == FsckVerdict::repaired);
    CHECK(fsck_verdict(2) == FsckVerdict::reboot_advised);
    CHECK(fsck_verdict(3) == FsckVerdict::reboot_advised);
    CHECK(fsck_verdict(4) == FsckVerdict::failed);    // errors left uncorrected
    CHECK(fsck_verdict(8) == FsckVerdict::failed);    // operational error
    CHECK(fsck_verdict(12) == FsckVerdict::failed);   // cancelled
    CHECK(fsck_verdict(-1) == FsckVerdict::failed);   // not run
    CHECK(fsck_verdict(137) == FsckVerdict::failed);  // killed
}
