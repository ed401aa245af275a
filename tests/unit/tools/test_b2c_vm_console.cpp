#include <catch2/catch.hpp>

#include "tools/b2c_vm_console.h"

using b2c::vm::ConsoleWatcher;
using b2c::vm::parse_status_line;

TEST_CASE("status line")
{
    CHECK(parse_status_line("b2c: pipeline status: 0") == 0);
    CHECK(parse_status_line("b2c: pipeline status: 42\r") == 42);
    CHECK(parse_status_line("[  12.345] info: b2c: pipeline status: 3\r") == 3);
    CHECK(parse_status_line("b2c: pipeline status: 7  ") == 7);
    CHECK(parse_status_line("b2c: pipeline status: -1") == -1);
    CHECK_FALSE(parse_status_line("b2c: pipeline status: "));
    CHECK_FALSE(parse_status_line("b2c: pipeline status: x"));
    CHECK_FALSE(parse_status_line("b2c: pipeline status: 1 of 3"));
    CHECK_FALSE(parse_status_line("b2c: pipeline started"));
}

TEST_CASE("the watcher keeps the last status, across split chunks")
{
    ConsoleWatcher w;
    w.feed("[   1.000] b2c: pipeline status: 1\r\nhello\r\n[   2.0");
    CHECK(w.status() == 1);
    w.feed("00] info: b2c: pipeline sta");
    w.feed("tus: 5\r\n");
    CHECK(w.status() == 5);
    w.feed("echo b2c: pipeline status: 9 was printed\r\n");
    CHECK(w.status() == 5);
}

TEST_CASE("an unterminated last line counts at the end")
{
    ConsoleWatcher w;
    w.feed("b2c: pipeline status: 4");
    CHECK_FALSE(w.status());
    w.finish();
    CHECK(w.status() == 4);
}

TEST_CASE("firmware output is not a sign of life")
{
    ConsoleWatcher w;
    w.feed("\x1b" "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n\n\n");
    w.feed("iPXE (http://ipxe.org) 00:02.0 CA00 PCI2.10 PnP PMM+3EFCED90+3EF0ED90 CA00\r\n");
    w.feed("Press Ctrl-B to configure iPXE (PCI 00:02.0)...\r           \r\n\n\n");
    w.feed("Booting from ROM...\r\nProbing EDD (edd=off to disable)... ok\r\n");
    w.feed("\x1b" "c\x1b[?7l\x1b[2J");
    CHECK_FALSE(w.guest_alive());
    w.feed("No root device specified.\r\n");
    CHECK(w.guest_alive());
}

TEST_CASE("strip_ansi")
{
    CHECK(b2c::vm::strip_ansi("\x1b[0mSea\x1b" "cBIOS\x1b[?7l") == "SeaBIOS");
}
