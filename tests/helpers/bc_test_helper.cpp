// Behaviours a process runner must survive, one per mode:
//   lines N            print "line 1".."line N" on stdout
//   interleave N       alternate stdout/stderr lines, flushing each
//   ignore-sigterm     ignore SIGTERM, print "ready", then sleep forever
//   sleep S            sleep S seconds, exit 0
//   exit N             print "bye" on stderr and exit N
//   split SECRET       write SECRET in two halves with a flush and a pause between, then newline
//   crash              abort()
//   env NAME           print the value of an environment variable
//   pwd                print the working directory
//   stdin              echo stdin lines back
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bc_test_helper MODE [ARG]\n");
        return 64;
    }
    const std::string mode = argv[1];
    const char *arg = argc > 2 ? argv[2] : "";
    if (mode == "lines") {
        const long n = std::strtol(arg, nullptr, 10);
        for (long i = 1; i <= n; ++i)
            std::printf("line %ld\n", i);
        return 0;
    }
    if (mode == "interleave") {
        const long n = std::strtol(arg, nullptr, 10);
        for (long i = 1; i <= n; ++i) {
            std::FILE *f = (i % 2) ? stdout : stderr;
            std::fprintf(f, "%s %ld\n", (i % 2) ? "out" : "err", i);
            std::fflush(f);
        }
        return 0;
    }
    if (mode == "ignore-sigterm") {
        std::signal(SIGTERM, SIG_IGN);
        std::printf("ready\n");
        std::fflush(stdout);
        for (;;)
            pause();
    }
    if (mode == "sleep") {
        sleep(static_cast<unsigned>(std::strtoul(arg, nullptr, 10)));
        return 0;
    }
    if (mode == "exit") {
        std::fprintf(stderr, "bye\n");
        return static_cast<int>(std::strtol(arg, nullptr, 10));
    }
    if (mode == "split") {
        const std::string secret = arg;
        const std::string head = "token is " + secret.substr(0, secret.size() / 2);
        const std::string tail = secret.substr(secret.size() / 2) + " end\n";
        std::fwrite(head.data(), 1, head.size(), stdout);
        std::fflush(stdout);
        usleep(200 * 1000);
        std::fwrite(tail.data(), 1, tail.size(), stdout);
        std::fflush(stdout);
        return 0;
    }
    if (mode == "crash") {
        std::fflush(stdout);
        std::abort();
    }
    if (mode == "env") {
        const char *v = std::getenv(arg);
        std::printf("%s\n", v ? v : "<unset>");
        return 0;
    }
    if (mode == "pwd") {
        char buf[4096];
        std::printf("%s\n", getcwd(buf, sizeof buf) ? buf : "?");
        return 0;
    }
    if (mode == "stdin") {
        std::string line;
        while (std::getline(std::cin, line))
            std::printf("%s\n", line.c_str());
        return 0;
    }
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 64;
}
