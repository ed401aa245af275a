#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tools/b2c-vm/qemu_args.h"

using b2c::vm::Accel;
using b2c::vm::kernel_cmdline;
using b2c::vm::qemu_argv;
using b2c::vm::trio_b2c_options;
using b2c::vm::UsageError;
using b2c::vm::VmOptions;

namespace {

// An amd64 guest, whatever this test runs on (arm64 under qemu-user too).
VmOptions base()
{
    VmOptions o;
    o.arch = b2c::vm::Arch::amd64;
    o.kernel = "/boot/vmlinuz";
    o.initramfs = "/b/initramfs.cpio.zst";
    return o;
}

// The value after `flag` in argv, or "" when absent.
std::string after(const std::vector<std::string>& argv, const std::string& flag)
{
    auto it = std::find(argv.begin(), argv.end(), flag);
    return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

std::size_t count(const std::vector<std::string>& argv, const std::string& word)
{
    return static_cast<std::size_t>(std::count(argv.begin(), argv.end(), word));
}

}  // namespace

TEST_CASE("QEMU argv for TCG")
{
    auto argv = qemu_argv(base(), Accel::tcg, "console=ttyS0");
    CHECK(argv.at(0) == "qemu-system-x86_64");
    CHECK(after(argv, "-machine") == "q35");
    CHECK(after(argv, "-accel") == "tcg,thread=single");
    CHECK(after(argv, "-cpu") == "max");
    CHECK(after(argv, "-m") == "2048");
    CHECK(after(argv, "-smp") == "2");
    CHECK(after(argv, "-kernel") == "/boot/vmlinuz");
    CHECK(after(argv, "-initrd") == "/b/initramfs.cpio.zst");
    CHECK(after(argv, "-append") == "console=ttyS0");
    CHECK(after(argv, "-nic") == "user,model=virtio-net-pci");
    CHECK(after(argv, "-serial") == "mon:stdio");
    CHECK(count(argv, "-nographic") == 1);
    CHECK(count(argv, "-no-reboot") == 1);
    CHECK(count(argv, "-drive") == 0);
    CHECK(count(argv, "-virtfs") == 0);
}

TEST_CASE("QEMU argv for an arm64 guest: the virt machine, -cpu max with QEMU's quick pointer authentication")
{
    auto o = base();
    o.arch = b2c::vm::Arch::arm64;
    auto argv = qemu_argv(o, Accel::tcg, "console=ttyAMA0");
    CHECK(argv.at(0) == "qemu-system-aarch64");
    CHECK(after(argv, "-machine") == "virt");
    CHECK(after(argv, "-cpu") == "max,pauth-impdef=on");
    CHECK(after(argv, "-accel") == "tcg,thread=single");
    // The same devices as on x86: PCI virtio, on the virt machine's PCIe.
    CHECK(after(argv, "-nic") == "user,model=virtio-net-pci");
    auto kvm = qemu_argv(o, Accel::kvm, "x");
    CHECK(after(kvm, "-machine") == "virt,gic-version=host");
    CHECK(after(kvm, "-cpu") == "host");
    // Its serial console is the PL011's.
    CHECK(kernel_cmdline(o, false).starts_with("console=ttyAMA0 loglevel=4 panic=-1"));
    CHECK(kernel_cmdline(base(), false).starts_with("console=ttyS0 loglevel=4 panic=-1"));
}

TEST_CASE("QEMU argv for KVM, memory, cpus, disks, extra args")
{
    auto o = base();
    o.memory_mib = 4096;
    o.cpus = 3;
    o.disks = {"/d/a.img", "/d/b,c.img"};
    o.qemu_args = {"-device", "virtio-rng-pci"};
    auto argv = qemu_argv(o, Accel::kvm, "x");
    CHECK(after(argv, "-accel") == "kvm");
    CHECK(after(argv, "-cpu") == "host");
    CHECK(after(argv, "-m") == "4096");
    CHECK(after(argv, "-smp") == "3");
    CHECK(count(argv, "file=/d/a.img,format=raw,if=virtio") == 1);
    CHECK(count(argv, "file=/d/b,,c.img,format=raw,if=virtio") == 1);
    REQUIRE(argv.size() >= 2);
    CHECK(argv[argv.size() - 2] == "-device");
    CHECK(argv.back() == "virtio-rng-pci");
}

TEST_CASE("--user-net options go to the user-mode NIC")
{
    auto o = base();
    o.user_net = "net=10.0.3.0/24,hostfwd=tcp::8080-:80";
    auto argv = qemu_argv(o, Accel::tcg, "x");
    CHECK(after(argv, "-nic") == "user,model=virtio-net-pci,net=10.0.3.0/24,hostfwd=tcp::8080-:80");
    CHECK(count(argv, "-nic") == 1);
}

TEST_CASE("work dir is shared over 9p")
{
    auto o = base();
    o.image = "alpine";
    o.command = "true";
    o.workdir = "/home/me/src";
    auto argv = qemu_argv(o, Accel::tcg, "x");
    CHECK(after(argv, "-virtfs") == "local,path=/home/me/src,mount_tag=b2c-workdir,security_model=none");
}

TEST_CASE("kernel command line: fixed args, kernel args, appends in order")
{
    auto o = base();
    o.kernel_args = {"quiet"};
    o.appends = {"b2c.pipefail", "b2c.run=\"-ti alpine\""};
    CHECK(kernel_cmdline(o, false) == "console=ttyS0 loglevel=4 panic=-1 quiet b2c.pipefail b2c.run=\"-ti alpine\"");
}

TEST_CASE("the trio")
{
    auto o = base();
    o.image = "registry.example.com/ci/img:1";
    o.command = "make -C tools/testing/selftests TARGETS=hid run_tests";
    o.workdir = "/src/linux";
    auto opts = trio_b2c_options(o, false);
    REQUIRE(opts.size() == 3);
    CHECK(opts[0] == "b2c.filesystem=b2c-workdir,type=9p,src=b2c-workdir");
    CHECK(opts[1] == "b2c.volume=b2c-workdir,filesystem=b2c-workdir");
    CHECK(opts[2] == "b2c.run=\"-i -v b2c-workdir:/src/linux -w /src/linux registry.example.com/ci/img:1 "
                     "sh -c 'make -C tools/testing/selftests TARGETS=hid run_tests'\"");
    CHECK(trio_b2c_options(o, true)[2].starts_with("b2c.run=\"-i -t -v "));
}

TEST_CASE("trio quoting: single quotes, $VAR, spaces in the dir")
{
    auto o = base();
    o.image = "alpine";
    o.command = "echo 'it''s' $HOME; ls";
    o.workdir = "/my dir";
    auto run = trio_b2c_options(o, false).back();
    CHECK(run == "b2c.run=\"-i -v 'b2c-workdir:/my dir' -w '/my dir' alpine sh -c "
                 "'echo '\\''it'\\'''\\''s'\\'' $HOME; ls'\"");
}

TEST_CASE("image without command or work dir")
{
    auto o = base();
    o.image = "alpine";
    auto opts = trio_b2c_options(o, false);
    REQUIRE(opts.size() == 1);
    CHECK(opts[0] == "b2c.run=\"-i alpine\"");
    CHECK(trio_b2c_options(base(), true).empty());
}

TEST_CASE("loopback registry is reached through 10.0.2.2 without TLS")
{
    using b2c::vm::rewrite_loopback_image;
    auto a = rewrite_loopback_image("localhost:5000/busybox:latest");
    CHECK(a.ref == "10.0.2.2:5000/busybox:latest");
    CHECK(a.insecure_registry);
    auto b = rewrite_loopback_image("127.0.0.1:41234/x");
    CHECK(b.ref == "10.0.2.2:41234/x");
    CHECK(b.insecure_registry);
    CHECK_FALSE(rewrite_loopback_image("localhost/mine").insecure_registry);
    CHECK_FALSE(rewrite_loopback_image("docker.io/library/alpine").insecure_registry);

    auto o = base();
    o.image = "localhost:5000/busybox";
    o.command = "true";
    CHECK(trio_b2c_options(o, false).back() == "b2c.run=\"-i --tls-verify=false 10.0.2.2:5000/busybox sh -c true\"");
}

TEST_CASE("a double quote or newline cannot be carried")
{
    auto o = base();
    o.image = "alpine";
    o.command = "echo \"hi\"";
    CHECK_THROWS_AS(trio_b2c_options(o, false), UsageError);
    o.command = "echo a\necho b";
    CHECK_THROWS_AS(trio_b2c_options(o, false), UsageError);
    o.command = "echo hi";
    o.workdir = "/a\"b";
    CHECK_THROWS_AS(trio_b2c_options(o, false), UsageError);
    o.workdir = "/a:b";
    CHECK_THROWS_AS(trio_b2c_options(o, false), UsageError);
}

TEST_CASE("kernel command line length limit")
{
    auto o = base();
    o.image = "alpine";
    o.command = std::string(1900, 'x');
    CHECK_NOTHROW(kernel_cmdline(o, false));
    o.command = std::string(2100, 'x');
    CHECK_THROWS_AS(kernel_cmdline(o, false), UsageError);
    try {
        kernel_cmdline(o, false);
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("2047") != std::string::npos);
    }
}
