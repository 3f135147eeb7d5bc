#pragma once

// For tests that need PostgreSQL (fixture `pg`, see pg_fixture.sh): a fresh database per test,
// so tests running in parallel never see each other's rows. Header-only; link libpqxx
// (bc_orderlog_store brings it).

#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace bc::test {

// The fixture's conninfo (database postgres, superuser). Throws with a clear message if the
// test was started without the fixture.
inline std::string postgresAdminConninfo()
{
    const char *file = std::getenv("BC_PG_CONNINFO_FILE");
    if (!file || !*file)
        throw std::runtime_error(
            "BC_PG_CONNINFO_FILE is not set: register the test with bc_require_postgres()");
    std::ifstream in(file);
    std::string conninfo;
    if (!std::getline(in, conninfo) || conninfo.empty())
        throw std::runtime_error(std::string("no conninfo in ") + file + ": did the pg_start fixture run?");
    return conninfo;
}

// Creates database `<prefix>_<pid>_<n>` and returns a conninfo for it (later keywords win in libpq).
inline std::string createTestDatabase(
    const std::string &prefix, const std::string &adminConninfo = postgresAdminConninfo())
{
    static std::atomic<int> counter {0};
    const std::string name = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    pqxx::connection admin(adminConninfo);
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name));
    tx.exec("CREATE DATABASE " + tx.quote_name(name));
    return adminConninfo + " dbname=" + name;
}

} // namespace bc::test
