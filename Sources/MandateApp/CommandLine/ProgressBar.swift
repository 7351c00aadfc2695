import Foundation
import Glibc

/// A progress bar on standard error: redrawn in place on a terminal, one line per step otherwise
/// (so logs and CI output stay readable).
struct ProgressBar: Sendable {
    let title: String
    let width = 30

    func update(_ done: Int, of total: Int, _ label: String) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\(title) \(bar) \(done)/\(total) \(label)"
        if isatty(2) != 0 {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (done == total ? "\n" : "")).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
