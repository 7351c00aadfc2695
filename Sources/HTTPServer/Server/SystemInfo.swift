import Glibc

enum SystemInfo {
    static func onlineProcessors() -> Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
