import Foundation
import LoopTopEngine
import LoopTopTUI

/// Coverage-guided fuzzing of every reader of user files (issue #12).
///
/// Built only by `.ci/run` (scratch path `.build-fuzz`), with
/// `-Xswiftc -sanitize=fuzzer -Xswiftc -DLOOPTOP_FUZZ`; a plain `swift build`
/// compiles the stub below instead, so the normal build needs no libFuzzer.
///
///     looptop-fuzz spec|theme|lesson|recording [libFuzzer options] CORPUS_DIR...
///     looptop-fuzz seeds DIR     # writes the built-in lessons as seed files
///
/// Each input is given to the reader as the text of a file. A crash, a hang
/// (libFuzzer's `-timeout`) or a message of more than one line fails the run.
@main
struct FuzzMain {
    static func main() {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            print("usage: looptop-fuzz spec|theme|lesson|recording [libFuzzer options] CORPUS_DIR... | seeds DIR")
            exit(2)
        }
        if args[1] == "seeds" {
            writeSeeds(to: args.count > 2 ? args[2] : ".")
            return
        }
        guard let reader = Reader(rawValue: args[1]) else {
            print("looptop-fuzz: unknown reader '\(args[1])'; expected spec, theme, lesson or recording")
            exit(2)
        }
        FuzzTarget.reader = reader
        exit(runDriver(Array(args[0...0] + args[2...])))
    }

    static func writeSeeds(to dir: String) {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for entry in Lesson.builtIn {
            let path = (dir as NSString).appendingPathComponent("lesson-\(entry.name).toml")
            _ = FileManager.default.createFile(atPath: path, contents: Data(entry.text.utf8))
        }
    }
}

enum Reader: String {
    case spec, theme, lesson, recording
}

enum FuzzTarget {
    nonisolated(unsafe) static var reader = Reader.spec

    /// One input: read as the text of a file, as `TextFile` would hand it on.
    static func run(_ bytes: UnsafeRawBufferPointer) {
        if reader == .recording {
            replay(Data(bytes))
            return
        }
        // Invalid UTF-8 never reaches a reader (TextFile refuses it); the
        // repaired text still makes a useful input.
        let text = String(decoding: bytes, as: UTF8.self)
        do {
            switch reader {
            case .spec: _ = try WorkloadSpec.parse(text, name: "fuzz.toml")
            case .theme: _ = try ThemeLoader.parse(text, name: "fuzz")
            case .lesson: _ = try Lesson.parse(text, name: "fuzz")
            case .recording: break  // handled above, as bytes
            }
        } catch let error as ConfigError {
            let line = error.description
            if line.contains(where: { $0.isNewline }) || line.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                fatalError("message is not one clean line: \(line.debugDescription)")
            }
        } catch {
            fatalError("a reader threw something other than a ConfigError: \(error)")
        }
    }
}

extension FuzzTarget {
    /// A recording (`looptop replay FILE`): parsed, then replayed headless as
    /// the command would (engine, process and node recordings), and shown as a
    /// replay source's frames: any of those steps must refuse in one line or
    /// play, never trap.
    static func replay(_ data: Data) {
        let recording: RecordingFile
        do {
            recording = try RecordingFile.parse(data, path: "fuzz.jsonl")
        } catch let error as RecordingError {
            let line = error.message
            if line.contains(where: { $0.isNewline }) || line.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                fatalError("message is not one clean line: \(line.debugDescription)")
            }
            return
        } catch {
            fatalError("the recording reader threw something other than a RecordingError: \(error)")
        }
        recording.replayHeadless(interval: 0.5) { _ in }
        let source = ReplaySource(recording: recording)
        for move in [PlaybackMove.toEnd, .step(-1), .jump(-10), .toStart] {
            source.seek(move)
            _ = source.snapshot(detailFor: nil)
        }
    }
}

#if LOOPTOP_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// libFuzzer's entry for one input. Its own `main` may be the one linked
/// (SwiftPM renames an executable's `main`), so this must exist too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

func runDriver(_ arguments: [String]) -> Int32 {
    var argc = Int32(arguments.count)
    var cStrings: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    return cStrings.withUnsafeMutableBufferPointer { buffer in
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }
}
#else
func runDriver(_ arguments: [String]) -> Int32 {
    print("looptop-fuzz was built without libFuzzer; .ci/run builds it with -sanitize=fuzzer -DLOOPTOP_FUZZ")
    return 2
}
#endif
