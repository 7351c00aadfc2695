#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

// The system SQLite (Debian libsqlite3-dev). Only the SQLite module imports this.
// SQLITE_TRANSIENT and SQLITE_STATIC are casts, which Swift cannot import; the
// SQLite module re-expresses them in Swift.
#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call. Memory statistics are on by default and
// make every SQLite allocation take one process-wide mutex, which the reader threads then fight
// over; Mandate does not read those statistics. Must run before the first connection opens.
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
