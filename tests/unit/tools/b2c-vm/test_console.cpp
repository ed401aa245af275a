#include <catch2/catch.hpp>

#include "tools/b2c-vm/console.h"

using b2c::vm::ConsoleWatcher;
using b2c::vm::parse_status_line;

TEST_CASE("status line")
{
    CHECK(parse_status_line("Execution is over, pipeline status: 0") == 0);
    CHECK(parse_status_line("Execution is over, pipeline status: 42\r") == 42);
    CHECK(parse_status_line("[12.34]: Execution is over, pipeline status: 3\r") == 3);
    CHECK(parse_status_line("Execution is over, pipeline status: 7  ") == 7);
    CHECK(parse_status_line("Execution is over, pipeline status: -1") == -1);
    CHECK_FALSE(parse_status_line("Execution is over, pipeline status: "));
    CHECK_FALSE(parse_status_line("Execution is over, pipeline status: x"));
    CHECK_FALSE(parse_status_line("Execution is over, pipeline status: 1 of 3"));
    CHECK_FALSE(parse_status_line("b2c: pipeline started"));
}

TEST_CASE("the watcher keeps the last status, across split chunks")
{
    ConsoleWatcher w;
    w.feed("[1.00]: Execution is over, pipeline status: 1\r\nhello\r\n[2.0");
    CHECK(w.status() == 1);
    w.feed("0]: Execution is over, pipeline sta");
    w.feed("tus: 5\r\n");
    CHECK(w.status() == 5);
    w.feed("echo Execution is over, pipeline status: 9 was printed\r\n");
    CHECK(w.status() == 5);
}

TEST_CASE("an unterminated last line counts at the end")
{
    ConsoleWatcher w;
    w.feed("Execution is over, pipeline status: 4");
    CHECK_FALSE(w.status());
    w.finish();
    CHECK(w.status() == 4);
}

TEST_CASE("firmware output is not a sign of life")
{
    ConsoleWatcher w;
    w.feed("\x1b"
           "c\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n\n\n");
    w.feed("iPXE (http://ipxe.org) 00:02.0 CA00 PCI2.10 PnP PMM+3EFCED90+3EF0ED90 CA00\r\n");
    w.feed("Press Ctrl-B to configure iPXE (PCI 00:02.0)...\r           \r\n\n\n");
    w.feed("Booting from ROM...\r\nProbing EDD (edd=off to disable)... ok\r\n");
    w.feed("\x1b"
           "c\x1b[?7l\x1b[2J");
    CHECK_FALSE(w.guest_alive());
    w.feed("No root device specified.\r\n");
    CHECK(w.guest_alive());
}

TEST_CASE("strip_ansi")
{
    CHECK(b2c::vm::strip_ansi("\x1b[0mSea\x1b"
                              "cBIOS\x1b[?7l") == "SeaBIOS");
}

TEST_CASE("the session's end is seen, with or without a pipeline status")
{
    ConsoleWatcher w;
    w.feed("[3.10]: ERROR: no network: the pipeline was not run\r\n");
    CHECK_FALSE(w.session_ended());
    w.feed("[3.20]: It's now safe to turn off your computer\r\n");
    CHECK(w.session_ended());
    CHECK_FALSE(w.status());
    ConsoleWatcher r;
    r.feed("[9.00]: Rebooting the computer\r\n");
    CHECK(r.session_ended());
    ConsoleWatcher echo;
    echo.feed("echo It's now safe to turn off your computer, says the container; done\r\n");
    CHECK_FALSE(echo.session_ended());
}
