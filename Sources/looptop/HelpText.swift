/// Help text wrapped to fit 80 columns before ArgumentParser sees it.
///
/// ArgumentParser wraps any line longer than the terminal at column 80
/// (without a terminal) and starts the rest at column 0, so a paragraph whose
/// source lines ran a few characters long came out ragged: "loop_utilization"
/// on one line and "(0..1)," alone on the next. Here consecutive lines of
/// prose at one indentation are one paragraph, wrapped at `width` with its
/// indentation kept; a command line (`looptop …`), a heading (capitals), a
/// blank line, a table row (two spaces inside) or a change of indentation
/// starts a new one. A command too long
/// goes on with four more spaces, a table row under its second column.
func helpText(_ text: String, width: Int = 79) -> String {
    var out: [String] = []
    for block in blocks(text) {
        let hang = String(repeating: " ", count: min(block.indent + (block.isCommand ? 4 : block.rowColumn), width / 2))
        var rest = Substring(block.text)
        var lead = String(repeating: " ", count: block.indent)
        while lead.count + rest.count > width {
            let window = rest.prefix(width - lead.count + 1)
            guard let cut = window.lastIndex(of: " "), cut > rest.startIndex else { break }
            out.append(lead + rest[..<cut])
            rest = rest[rest.index(after: cut)...].drop { $0 == " " }
            lead = hang
        }
        out.append(lead + rest)
    }
    return out.joined(separator: "\n")
}

private struct Block {
    var indent: Int
    var text: String
    var isCommand: Bool
    var joinable: Bool
    /// For a table row, where its second column starts (a wrapped row goes on there).
    var rowColumn = 0
}

private func blocks(_ text: String) -> [Block] {
    var result: [Block] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let indent = line.prefix { $0 == " " }.count
        let body = line.dropFirst(indent)
        let isCommand = body.hasPrefix("looptop ") || body.hasPrefix("$ ")
        // A table row ("CPU      cores used: …") keeps its line.
        let isRow = body.contains("  ")
        let isProse = !body.isEmpty && !isCommand && !isRow && body.contains { $0.isLowercase }
        if isProse, let last = result.last, last.joinable, last.indent == indent {
            result[result.count - 1].text += " " + body
        } else {
            var block = Block(indent: indent, text: String(body), isCommand: isCommand, joinable: isProse)
            if isRow, let gap = body.range(of: "  ") {
                block.rowColumn = body.distance(from: body.startIndex, to: gap.lowerBound)
                    + body[gap.lowerBound...].prefix { $0 == " " }.count
            }
            result.append(block)
        }
    }
    return result
}
