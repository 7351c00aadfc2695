extension Duration {
    /// This duration in whole milliseconds for curl's `*_MS` options, at least 1 because curl reads
    /// 0 as "no timeout", and rounded up so a short timeout is never shortened.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 1 }
        let cappedSeconds = min(seconds, Int64(Int32.max))
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(1, Int(cappedSeconds * 1000 + fraction))
    }
}
