#if canImport(Glibc)
import Glibc
#endif

/// Reads a file a user names (spec, theme, lesson) as UTF-8 text, refusing
/// what is not a small regular file before reading a byte of it.
///
/// `FileManager.contents(atPath:)` would block forever on a FIFO with no
/// writer, read `/dev/zero` until memory runs out, and say nothing useful
/// about a directory or a symlink loop (issue #12). Here the file is opened
/// non-blocking (a FIFO opens at once), its kind and size are checked with
/// `fstat` on the open descriptor (no race with a rename), and at most
/// ``maxBytes`` + 1 bytes are read, so a file that grows while read is
/// refused too.
public enum TextFile {
    /// The largest file looptop reads: the biggest example file is under
    /// 4 KiB, so 1 MiB is generous and keeps every later step quick.
    public static let maxBytes = 1 << 20

    /// The text of the file at `path`, or a ``ConfigError`` naming `path`.
    public static func read(path: String) throws(ConfigError) -> String {
        func refuse(_ message: String) -> ConfigError {
            ConfigError(file: path, line: 0, message: message)
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw refuse(Self.reason(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw refuse(Self.reason(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw refuse("is a directory; expected a TOML file")
        case S_IFIFO: throw refuse("is a FIFO (named pipe); expected a regular TOML file")
        case S_IFCHR, S_IFBLK: throw refuse("is a device; expected a regular TOML file")
        case S_IFSOCK: throw refuse("is a socket; expected a regular TOML file")
        default: throw refuse("is not a regular file; expected a TOML file")
        }
        if Int(info.st_size) > maxBytes { throw refuse(tooBig(Int(info.st_size))) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw refuse(Self.reason(errno))
            }
            bytes += chunk[0..<count]
            if bytes.count > maxBytes { throw refuse(tooBig(bytes.count)) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let line = Self.lineOfFirstInvalidUTF8(bytes)
            throw ConfigError(file: path, line: line, message: "not UTF-8 text; expected a TOML file")
        }
        return text
    }

    static func tooBig(_ size: Int) -> String {
        "is \(size > maxBytes * 4 ? "over \(maxBytes * 4 / 1024) KiB" : "\(size) bytes"); a looptop file may be at most \(maxBytes / 1024) KiB"
    }

    /// What `errno` from `open`, `fstat` or `read` means for a user.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "cannot read the file: it does not exist"
        case ENOTDIR: "cannot read the file: a part of its path is not a directory"
        case EACCES, EPERM: "cannot read the file: permission denied"
        case ELOOP: "cannot read the file: too many symbolic links (a loop?)"
        case ENAMETOOLONG: "cannot read the file: its name is too long"
        case EISDIR: "is a directory; expected a TOML file"
        default: "cannot read the file: " + String(cString: strerror(code))
        }
    }

    /// The 1-based line of the first byte that is not valid UTF-8.
    static func lineOfFirstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return line
            case .error: return line
            }
        }
    }
}
