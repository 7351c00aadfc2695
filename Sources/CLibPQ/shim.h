#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H

// The system libpq (Debian libpq-dev, headers under /usr/include/postgresql, found through
// pkg-config). Only the Postgres module imports this. The PG_DIAG_* field codes are character
// literals, which the Postgres module re-expresses in Swift.
#include <libpq-fe.h>

#endif
