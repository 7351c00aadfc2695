import Foundation
import SQLite
import Storage

/// SQL for factors, recovery codes and sign-in challenges. Every function runs on the caller's
/// connection inside the caller's transaction.
enum MFAStore {
    static let factorColumns = """
        id, tenant_id, user_id, kind, state, totp_secret, phone_number, last_used_step, created_at, activated_at,
        last_used_at
        """

    static func factors(userID: String, on connection: Connection) throws -> [MFAFactor] {
        try connection.query(
            "SELECT \(factorColumns) FROM mfa_factors WHERE user_id = ? ORDER BY created_at, id", userID
        ).map(decodeFactor)
    }

    static func factor(userID: String, kind: FactorKind, state: MFAFactor.State, on connection: Connection) throws
        -> MFAFactor?
    {
        try connection.queryOne(
            "SELECT \(factorColumns) FROM mfa_factors WHERE user_id = ? AND kind = ? AND state = ?", userID,
            kind.rawValue, state.rawValue
        ).map(decodeFactor)
    }

    /// Whether the user has an active factor (the sign-in hot path: one indexed probe).
    static func hasActiveFactor(userID: String, on connection: Connection) throws -> Bool {
        try connection.queryOne(
            "SELECT 1 FROM mfa_factors WHERE user_id = ? AND state = 'active' LIMIT 1", userID) != nil
    }

    /// Stores a new pending factor, replacing an earlier pending one of the same kind.
    static func insertPending(_ factor: MFAFactor, on connection: Connection) throws {
        try connection.run(
            "DELETE FROM mfa_factors WHERE user_id = ? AND kind = ? AND state = 'pending'", factor.userID,
            factor.kind.rawValue)
        try connection.run(
            """
            INSERT INTO mfa_factors (\(factorColumns)) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, NULL, NULL)
            """, factor.id, factor.tenantID, factor.userID, factor.kind.rawValue, factor.totpSecret,
            factor.phoneNumber, factor.lastUsedStep, factor.createdAt)
    }

    /// Makes the pending factor `id` the active one of its kind (replacing the previous active one).
    static func activate(_ factor: MFAFactor, lastUsedStep: Int64?, now: Date, on connection: Connection) throws {
        try connection.run(
            "DELETE FROM mfa_factors WHERE user_id = ? AND kind = ? AND state = 'active'", factor.userID,
            factor.kind.rawValue)
        try connection.run(
            """
            UPDATE mfa_factors SET state = 'active', activated_at = ?, last_used_at = ?, last_used_step = ?
            WHERE id = ?
            """, now, now, lastUsedStep, factor.id)
    }

    /// Records the TOTP step `step` as used, unless it (or a later one) already was: the single
    /// conditional statement is what makes two parallel submits of one code succeed exactly once.
    static func useTOTPStep(factorID: String, step: Int64, now: Date, on connection: Connection) throws -> Bool {
        try connection.run(
            """
            UPDATE mfa_factors SET last_used_step = ?, last_used_at = ?
            WHERE id = ? AND (last_used_step IS NULL OR last_used_step < ?)
            """, step, now, factorID, step) == 1
    }

    static func touch(factorID: String, now: Date, on connection: Connection) throws {
        try connection.run("UPDATE mfa_factors SET last_used_at = ? WHERE id = ?", now, factorID)
    }

    @discardableResult
    static func delete(userID: String, kind: FactorKind, state: MFAFactor.State, on connection: Connection) throws
        -> Int
    {
        try connection.run(
            "DELETE FROM mfa_factors WHERE user_id = ? AND kind = ? AND state = ?", userID, kind.rawValue,
            state.rawValue)
    }

    static func decodeFactor(_ row: Row) throws -> MFAFactor {
        MFAFactor(
            id: try row.decode(0), tenantID: try row.decode(1), userID: try row.decode(2),
            kind: FactorKind(rawValue: try row.decode(3)) ?? .totp,
            state: MFAFactor.State(rawValue: try row.decode(4)) ?? .pending, totpSecret: try row.decode(5),
            phoneNumber: try row.decode(6), lastUsedStep: try row.decode(7), createdAt: try row.decode(8),
            activatedAt: try row.decode(9), lastUsedAt: try row.decode(10))
    }

    // MARK: Recovery codes

    /// Replaces all of the user's recovery codes.
    static func replaceRecoveryCodes(userID: String, hashes: [[UInt8]], now: Date, on connection: Connection) throws {
        try deleteRecoveryCodes(userID: userID, on: connection)
        for hash in hashes {
            try connection.run(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", userID, hash, now)
        }
    }

    static func deleteRecoveryCodes(userID: String, on connection: Connection) throws {
        try connection.run("DELETE FROM recovery_codes WHERE user_id = ?", userID)
    }

    static func remainingRecoveryCodes(userID: String, on connection: Connection) throws -> Int {
        try connection.queryOne(
            "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", userID)?.decode(0) ?? 0
    }

    /// Marks the unused code with `hash` as used; false when there is none (wrong or already used).
    static func consumeRecoveryCode(userID: String, hash: [UInt8], now: Date, on connection: Connection) throws
        -> Bool
    {
        try connection.run(
            "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", now,
            userID, hash) == 1
    }

    // MARK: Challenges

    static func insertChallenge(_ challenge: MFAChallenge, tokenHash: [UInt8], on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO mfa_challenges (id, token_hash, tenant_id, user_id, session_kind, created_at, expires_at, ip,
                                        user_agent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, challenge.id, tokenHash, challenge.tenantID, challenge.userID, challenge.sessionKind.rawValue,
            challenge.createdAt, challenge.expiresAt, challenge.ipAddress, challenge.userAgent)
    }

    static func challenge(tokenHash: [UInt8], on connection: Connection) throws -> MFAChallenge? {
        try connection.queryOne(
            """
            SELECT id, tenant_id, user_id, session_kind, created_at, expires_at, completed_at, ip, user_agent
            FROM mfa_challenges WHERE token_hash = ?
            """, tokenHash
        ).map { row in
            MFAChallenge(
                id: try row.decode(0), tenantID: try row.decode(1), userID: try row.decode(2),
                sessionKind: SessionKind(rawValue: try row.decode(3)) ?? .api, createdAt: try row.decode(4),
                expiresAt: try row.decode(5), completedAt: try row.decode(6), ipAddress: try row.decode(7),
                userAgent: try row.decode(8))
        }
    }

    /// Marks the challenge used; false when it already was (a parallel verification won).
    static func completeChallenge(id: String, now: Date, on connection: Connection) throws -> Bool {
        try connection.run(
            "UPDATE mfa_challenges SET completed_at = ? WHERE id = ? AND completed_at IS NULL", now, id) == 1
    }

    /// Removes challenges that can no longer be answered (housekeeping).
    @discardableResult
    static func purgeExpiredChallenges(now: Date, on connection: Connection) throws -> Int {
        try connection.run("DELETE FROM mfa_challenges WHERE expires_at <= ?", now)
    }
}
