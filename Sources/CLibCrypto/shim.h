#ifndef MANDATE_CLIBCRYPTO_SHIM_H
#define MANDATE_CLIBCRYPTO_SHIM_H

// OpenSSL 3.0 libcrypto, as used by the Swift module `Crypto` (the only code in Mandate that may
// call it). Only non-deprecated entry points are used: one-shot HMAC(), EVP_MAC (keyed contexts for
// HOTP/TOTP), EVP_Digest(), RAND_bytes(),
// CRYPTO_memcmp() and EVP_PBE_scrypt(). None of them is variadic or a macro, so no wrappers are needed.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#endif
