#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "storage/s3/local_directory.h"
#include "storage/s3/temp_file.h"

using namespace b2c::s3;
namespace fs = std::filesystem;

namespace {

struct Scratch {
    fs::path root = fs::temp_directory_path() / ("b2c-unit-localdir-" + std::to_string(::getpid()));
    fs::path volume = root / "volume";
    fs::path outside = root / "outside";
    Scratch()
    {
        fs::remove_all(root);
        fs::create_directories(volume);
        fs::create_directories(outside);
        std::ofstream(outside / "secret") << "host secret";
        fs::create_directory_symlink(outside, volume / "link");
        fs::create_symlink(outside / "secret", volume / "file-link");
    }
    ~Scratch() { fs::remove_all(root); }
};

}  // namespace

TEST_CASE("LocalDirectory: a link on the way is never followed")
{
    Scratch s;
    LocalDirectory dir(s.volume, false);
    CHECK_THROWS_WITH(dir.open_parent("link/x", true), Catch::Contains("symbolic link"));
    CHECK_THROWS_WITH(dir.open_parent("link/deeper/x", true), Catch::Contains("link"));
    CHECK_THROWS_WITH(dir.open_file("file-link"), Catch::Contains("symbolic link"));
    CHECK_THROWS_WITH(dir.open_file("link/secret"), Catch::Contains("symbolic link"));
    CHECK_THROWS(dir.remove_file("link/secret"));
    CHECK(fs::exists(s.outside / "secret"));
    CHECK_FALSE(fs::exists(s.outside / "x"));
    CHECK_FALSE(fs::exists(s.outside / "deeper"));
}

TEST_CASE("LocalDirectory: directories are made, files read and removed beneath it")
{
    Scratch s;
    LocalDirectory dir(s.volume, false);
    {
        TempFile file(dir.open_parent("a/b/c.txt", true), s.volume / "a/b");
        file.write("hello", 5);
        file.commit_as("c.txt");
    }
    CHECK(fs::is_regular_file(s.volume / "a/b/c.txt"));
    auto fd = dir.open_file("a/b/c.txt");
    char buffer[8] = {};
    CHECK(::read(fd.get(), buffer, sizeof buffer) == 5);
    CHECK(std::string(buffer) == "hello");
    dir.remove_file("a/b/c.txt");
    CHECK_FALSE(fs::exists(s.volume / "a/b/c.txt"));
    // Removing a link removes the link, never what it points to.
    dir.remove_file("file-link");
    CHECK(fs::exists(s.outside / "secret"));
}

TEST_CASE("TempFile: committing onto a link replaces the link")
{
    Scratch s;
    LocalDirectory dir(s.volume, false);
    TempFile file(dir.open_parent("file-link", true), s.volume);
    file.write("new", 3);
    file.commit_as("file-link");
    CHECK_FALSE(fs::is_symlink(s.volume / "file-link"));
    std::ifstream secret(s.outside / "secret");
    std::string text;
    std::getline(secret, text);
    CHECK(text == "host secret");
}

TEST_CASE("TempFile: an abandoned download leaves nothing behind")
{
    Scratch s;
    LocalDirectory dir(s.volume, false);
    {
        TempFile file(dir.open_parent("partial", true), s.volume);
        file.write("half", 4);
    }
    for (const auto& entry : fs::directory_iterator(s.volume))
        CHECK(entry.path().filename().string().rfind(".b2c-mirror-", 0) != 0);
}
