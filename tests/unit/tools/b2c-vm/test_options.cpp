#include <catch2/catch.hpp>

#include "tests/unit/temp_dir.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "tools/b2c-vm/accel.h"
#include "tools/b2c-vm/options.h"

using b2c::vm::Accel;
using b2c::vm::parse_options;
using b2c::vm::UsageError;

namespace {

b2c::vm::VmOptions parse(std::vector<const char*> args)
{
    args.insert(args.begin(), "b2c-vm");
    return parse_options(static_cast<int>(args.size()), args.data());
}

using b2c::testing::TempDir;

}  // namespace

TEST_CASE("defaults")
{
    auto o = parse({});
    CHECK(o.kernel.empty());
    CHECK(o.memory_mib == 2048);
    CHECK(o.cpus == 2);
    CHECK(o.accel == Accel::automatic);
    CHECK(o.tcg_thread == "single");  // not QEMU's default: see options.h
    CHECK(o.timeout_seconds == 0);
    CHECK_FALSE(o.image);
    CHECK_FALSE(o.dry_run);
}

TEST_CASE("every option is read, repeatable ones in order")
{
    auto o = parse({"--kernel",     "/k",    "--initramfs", "/i",           "--memory",  "512",
                    "--cpus",       "4",     "--accel",     "tcg",          "--disk",    "a.img",
                    "--disk",       "b.img", "--append",    "b2c.pipefail", "--append",  "b2c.hostname=x",
                    "--qemu",       "-s",    "--qemu",      "-S",           "--timeout", "60",
                    "--kernel-arg", "quiet", "--dry-run",   "--tcg-thread", "multi"});
    CHECK(o.kernel == "/k");
    CHECK(o.initramfs == "/i");
    CHECK(o.memory_mib == 512);
    CHECK(o.cpus == 4);
    CHECK(o.accel == Accel::tcg);
    CHECK(o.tcg_thread == "multi");
    CHECK(o.disks == std::vector<std::string>{"a.img", "b.img"});
    CHECK(o.appends == std::vector<std::string>{"b2c.pipefail", "b2c.hostname=x"});
    CHECK(o.qemu_args == std::vector<std::string>{"-s", "-S"});
    CHECK(o.kernel_args == std::vector<std::string>{"quiet"});
    CHECK(o.timeout_seconds == 60);
    CHECK(o.dry_run);
}

TEST_CASE("--initrd-before and --initrd-after are repeatable, each kept in order")
{
    auto o = parse({"--initrd-after", "rpi-modules.cpio", "--initrd-before", "firmware.cpio.xz", "--initrd-before",
                    "job.cpio", "--initrd-after", "late.cpio.zst"});
    CHECK(o.initrds_before == std::vector<std::string>{"firmware.cpio.xz", "job.cpio"});
    CHECK(o.initrds_after == std::vector<std::string>{"rpi-modules.cpio", "late.cpio.zst"});
    CHECK(parse({}).initrds_before.empty());
    CHECK(parse({}).initrds_after.empty());
    CHECK_THROWS_AS(parse({"--initrd-before"}), UsageError);
}

TEST_CASE("the vm2c trio")
{
    auto o = parse({"--kernel", "k", "--workdir", "/w", "--image", "img", "--command", "make"});
    CHECK(*o.image == "img");
    CHECK(*o.command == "make");
    CHECK(*o.workdir == "/w");
}

TEST_CASE("bad usage is a UsageError")
{
    CHECK_THROWS_AS(parse({"--accel", "xen"}), UsageError);
    CHECK_THROWS_AS(parse({"--tcg-thread", "two"}), UsageError);
    CHECK_THROWS_AS(parse({"--memory", "lots"}), UsageError);
    CHECK_THROWS_AS(parse({"--memory", "0"}), UsageError);
    CHECK_THROWS_AS(parse({"--bogus"}), UsageError);
    CHECK_THROWS_AS(parse({"--command", "ls"}), UsageError);
    CHECK_THROWS_AS(parse({"--workdir", "/tmp"}), UsageError);
    CHECK_THROWS_AS(parse({"--workdir", "/tmp", "--image", "alpine"}), UsageError);
    CHECK_NOTHROW(parse({"--image", "alpine"}));
    CHECK(parse({"-h"}).help);
}

TEST_CASE("help lists the exit codes")
{
    auto help = b2c::vm::help_text();
    CHECK(help.find("--workdir") != std::string::npos);
    CHECK(help.find("202") != std::string::npos);
    CHECK(help.find("203") != std::string::npos);
}

TEST_CASE("resolve_defaults finds the initramfs next to the binary and checks files")
{
    TempDir dir;
    std::ofstream(dir.path / "vmlinuz") << "k";  // no kernel b2c-vm knows: QEMU will say
    std::ofstream(dir.path / "initramfs.linux_amd64.cpio.zst") << "i";
    auto o = parse({"--arch", "amd64", "--kernel", (dir.path / "vmlinuz").c_str(), "--image", "a", "--command", "c",
                    "--workdir", (dir.path.string() + "/").c_str()});
    b2c::vm::resolve_defaults(o, dir.path.string());
    CHECK(o.initramfs == (dir.path / "initramfs.linux_amd64.cpio.zst").string());
    CHECK(*o.workdir == dir.path.string());

    auto missing = parse({"--kernel", (dir.path / "nope").c_str()});
    CHECK_THROWS_AS(b2c::vm::resolve_defaults(missing, dir.path.string()), UsageError);
    auto no_workdir = parse({"--kernel", (dir.path / "vmlinuz").c_str(), "--image", "a", "--command", "c", "--workdir",
                             (dir.path / "nope").c_str()});
    CHECK_THROWS_AS(b2c::vm::resolve_defaults(no_workdir, dir.path.string()), UsageError);
}

TEST_CASE("--arch: the guest's architecture, this machine's by default")
{
    CHECK(parse({}).arch == b2c::vm::kHostArch);
    CHECK(parse({"--arch", "arm64"}).arch == b2c::vm::Arch::arm64);
    CHECK(parse({"--arch", "amd64"}).arch == b2c::vm::Arch::amd64);
    CHECK_THROWS_WITH(parse({"--arch", "riscv64"}), Catch::Contains("--arch must be amd64 or arm64, not 'riscv64'"));
    // KVM runs this machine's architecture only; auto and tcg are fine.
    auto other = b2c::vm::kHostArch == b2c::vm::Arch::amd64 ? "arm64" : "amd64";
    CHECK_THROWS_WITH(parse({"--arch", other, "--accel", "kvm"}), Catch::Contains("--accel kvm runs guests of"));
    CHECK(parse({"--arch", other, "--accel", "auto"}).accel == Accel::automatic);
}

TEST_CASE("accelerator attempts")
{
    using b2c::vm::plan_attempts;
    auto auto_kvm = plan_attempts(Accel::automatic, true);
    REQUIRE(auto_kvm.size() == 2);
    CHECK(auto_kvm[0].accel == Accel::kvm);
    CHECK(auto_kvm[0].probe);
    CHECK(auto_kvm[1].accel == Accel::tcg);
    CHECK_FALSE(auto_kvm[1].probe);

    auto auto_tcg = plan_attempts(Accel::automatic, false);
    REQUIRE(auto_tcg.size() == 1);
    CHECK(auto_tcg[0].accel == Accel::tcg);

    auto kvm = plan_attempts(Accel::kvm, false);
    REQUIRE(kvm.size() == 1);
    CHECK(kvm[0].accel == Accel::kvm);
    CHECK_FALSE(kvm[0].probe);
    CHECK(plan_attempts(Accel::tcg, true).size() == 1);
}

TEST_CASE("--user-net is kept verbatim")
{
    CHECK(parse({}).user_net.empty());
    CHECK(parse({"--user-net", "hostfwd=tcp::8080-:80"}).user_net == "hostfwd=tcp::8080-:80");
}
