#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H

// The system SQLite (Debian libsqlite3-dev). Only the SQLite module imports this.
// SQLITE_TRANSIENT and SQLITE_STATIC are casts, which Swift cannot import; the
// SQLite module re-expresses them in Swift.
#include <sqlite3.h>

#endif
