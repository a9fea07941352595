using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using AngleSharp.Dom;

namespace Gateway.Tools.WebSearch.Extraction;

/// <summary>
/// Turns a DOM subtree into Markdown for a model to read: headings, paragraphs, links (absolute),
/// emphasis, inline code and fenced code blocks (with the language a <c>language-*</c> class names),
/// lists (nested, ordered ones numbered from their <c>start</c>), block quotes, tables (pipe tables,
/// the first row as header), definition lists and rules. Scripts, styles, navigation, forms, embeds
/// and hidden elements are dropped. Text is not escaped: the output is for reading, not rendering.
/// </summary>
internal sealed class MarkdownWriter
{
    private enum BlockKind
    {
        Text,
        List,
    }

    private readonly record struct Block(string Text, BlockKind Kind);

    private static readonly FrozenSet<string> Dropped = FrozenSet.ToFrozenSet(
    [
        "script", "style", "noscript", "template", "svg", "math", "nav", "aside", "footer", "form", "button", "input", "select",
        "textarea", "iframe", "object", "embed", "canvas", "video", "audio", "dialog", "head", "title", "meta", "link", "map",
    ]);

    private static readonly FrozenSet<string> Inline = FrozenSet.ToFrozenSet(
    [
        "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img", "ins", "kbd",
        "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
    ]);

    private readonly Uri _page;

    private MarkdownWriter(Uri page) => _page = page;

    /// <param name="page">Where the page came from: relative links and images resolve against it.</param>
    public static string Write(INode root, Uri page) => string.Join("\n\n", new MarkdownWriter(page).Blocks(root).Select(b => b.Text));

    private List<Block> Blocks(INode parent)
    {
        var blocks = new List<Block>();
        var inline = new InlineText();
        foreach (var child in parent.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    inline.Append(text.Data);
                    break;
                case IElement element when IsDropped(element):
                    break;
                case IElement element when Inline.Contains(element.LocalName):
                    AppendInline(element, inline);
                    break;
                case IElement element:
                    Flush(inline, blocks);
                    AddBlock(element, blocks);
                    break;
            }
        }

        Flush(inline, blocks);
        return blocks;
    }

    private static void Flush(InlineText inline, List<Block> blocks)
    {
        var paragraph = inline.Paragraph();
        if (paragraph.Length > 0)
            blocks.Add(new Block(paragraph, BlockKind.Text));
        inline.Clear();
    }

    private void AddBlock(IElement element, List<Block> blocks)
    {
        var text = element.LocalName switch
        {
            "h1" or "h2" or "h3" or "h4" or "h5" or "h6" => Heading(element),
            "p" => InlineOf(element),
            "pre" => Fence(element),
            "ul" or "ol" => List(element),
            "blockquote" => Quote(element),
            "table" => Table(element),
            "dl" => Definitions(element),
            "hr" => "---",
            _ => null,
        };
        if (text is null)
            blocks.AddRange(Blocks(element));
        else if (text.Length > 0)
            blocks.Add(new Block(text, element.LocalName is "ul" or "ol" ? BlockKind.List : BlockKind.Text));
    }

    private string Heading(IElement heading)
    {
        var text = InlineOf(heading).Replace('\n', ' ');
        return text.Length == 0 ? "" : $"{new string('#', heading.LocalName[1] - '0')} {text}";
    }

    private string InlineOf(IElement element)
    {
        var inline = new InlineText();
        AppendChildren(element, inline);
        return inline.Paragraph();
    }

    private void AppendChildren(INode parent, InlineText inline)
    {
        foreach (var child in parent.ChildNodes)
        {
            if (child is IText text)
                inline.Append(text.Data);
            else if (child is IElement element && !IsDropped(element))
                AppendInline(element, inline);
        }
    }

    private void AppendInline(IElement element, InlineText inline)
    {
        switch (element.LocalName)
        {
            case "br":
                inline.LineBreak();
                break;
            case "b" or "strong":
                Wrap(element, inline, "**");
                break;
            case "i" or "em":
                Wrap(element, inline, "*");
                break;
            case "del" or "s" or "strike":
                Wrap(element, inline, "~~");
                break;
            case "q":
                Wrap(element, inline, "\"");
                break;
            case "code" or "kbd" or "samp" or "tt":
                Code(element, inline);
                break;
            case "a":
                Link(element, inline);
                break;
            case "img":
                Image(element, inline);
                break;
            default:
                AppendChildren(element, inline);
                break;
        }
    }

    private void Wrap(IElement element, InlineText inline, string marker)
    {
        var inner = new InlineText();
        AppendChildren(element, inner);
        var raw = inner.Raw();
        var text = raw.Trim();
        Wrap(raw, inline, text.Length == 0 ? null : marker + text + marker);
    }

    private void Link(IElement link, InlineText inline)
    {
        if (Resolve(link.GetAttribute("href"), allowMail: true) is not { } target)
        {
            AppendChildren(link, inline);
            return;
        }

        var label = new InlineText();
        AppendChildren(link, label);
        var text = label.Raw().Replace('\n', ' ').Trim();
        Wrap(label.Raw(), inline, text.Length == 0 ? null : $"[{text}]({target})");
    }

    private void Image(IElement image, InlineText inline)
    {
        var alt = image.GetAttribute("alt")?.Trim();
        if (string.IsNullOrEmpty(alt))
            return;
        inline.AppendMarkup(Resolve(image.GetAttribute("src"), allowMail: false) is { } source ? $"![{alt}]({source})" : alt);
    }

    private static void Code(IElement code, InlineText inline)
    {
        var raw = Collapse(code.TextContent);
        var text = raw.Trim();
        var fence = new string('`', LongestRun(text, '`') + 1);
        var padding = text.StartsWith('`') || text.EndsWith('`') ? " " : "";
        Wrap(raw, inline, text.Length == 0 ? null : fence + padding + text + padding + fence);
    }

    /// <summary>Puts markup in place of text, keeping outside it the white space that set the text off (<c>** bold **</c> is not bold).</summary>
    private static void Wrap(string raw, InlineText inline, string? markup)
    {
        if (markup is null)
        {
            inline.Append(raw);
            return;
        }

        if (raw.StartsWith(' '))
            inline.Append(" ");
        inline.AppendMarkup(markup);
        if (raw.EndsWith(' '))
            inline.Append(" ");
    }

    private static string Fence(IElement pre)
    {
        var code = pre.TextContent.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\n').TrimEnd();
        if (code.Length == 0)
            return "";
        var language = Language(pre) ?? (pre.FirstElementChild is { LocalName: "code" } inner ? Language(inner) : null);
        var fence = new string('`', Math.Max(3, LongestRun(code, '`') + 1));
        return $"{fence}{language}\n{code}\n{fence}";
    }

    private static string? Language(IElement element) =>
        element.ClassList.Select(c => c.StartsWith("language-", StringComparison.Ordinal) ? c[9..] : c.StartsWith("lang-", StringComparison.Ordinal) ? c[5..] : null)
            .FirstOrDefault(l => !string.IsNullOrEmpty(l));

    private string List(IElement list)
    {
        var ordered = list.LocalName == "ol";
        var number = int.TryParse(list.GetAttribute("start"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) ? start : 1;
        var items = new List<string>();
        var indent = "";
        foreach (var child in list.Children)
        {
            if (IsDropped(child))
                continue;
            // A list put straight inside a list, not in an item, belongs to the item before it.
            if (child.LocalName is "ul" or "ol" && items.Count > 0)
            {
                if (List(child) is { Length: > 0 } nested)
                    items[^1] += "\n" + indent + Indent(nested, indent);
                continue;
            }

            var blocks = Blocks(child);
            if (blocks.Count == 0)
                continue;
            var marker = ordered ? $"{number++.ToString(CultureInfo.InvariantCulture)}. " : "- ";
            indent = new string(' ', marker.Length);
            var body = new StringBuilder(blocks[0].Text);
            for (var i = 1; i < blocks.Count; i++)
                body.Append(blocks[i].Kind == BlockKind.List ? "\n" : "\n\n").Append(blocks[i].Text);
            items.Add(marker + Indent(body.ToString(), indent));
        }

        return string.Join('\n', items);
    }

    /// <summary>Every line after the first moved right by <paramref name="indent"/>; blank lines stay blank.</summary>
    private static string Indent(string text, string indent) =>
        string.Join('\n', text.Split('\n').Select((line, i) => i == 0 || line.Length == 0 ? line : indent + line));

    private string Quote(IElement quote)
    {
        var text = string.Join("\n\n", Blocks(quote).Select(b => b.Text));
        return text.Length == 0 ? "" : string.Join('\n', text.Split('\n').Select(line => line.Length == 0 ? ">" : "> " + line));
    }

    private string Table(IElement table)
    {
        var rows = new List<List<string>>();
        foreach (var row in Rows(table))
        {
            var cells = new List<string>();
            foreach (var cell in row.Children.Where(c => c.LocalName is "th" or "td"))
            {
                var text = string.Join(' ', Blocks(cell).Select(b => b.Text)).Replace('\n', ' ').Replace("|", "\\|", StringComparison.Ordinal);
                var span = int.TryParse(cell.GetAttribute("colspan"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 1, 50) : 1;
                cells.Add(text);
                cells.AddRange(Enumerable.Repeat("", span - 1));
            }

            if (cells.Count > 0)
                rows.Add(cells);
        }

        if (rows.Count == 0 || rows.All(r => r.All(c => c.Length == 0)))
            return "";
        var columns = rows.Max(r => r.Count);
        var lines = new List<string>();
        if (table.Children.FirstOrDefault(c => c.LocalName == "caption") is { } caption && InlineOf(caption) is { Length: > 0 } title)
            lines.Add(title + "\n");
        lines.Add(Row(rows[0], columns));
        lines.Add(Row(Enumerable.Repeat("---", columns).ToList(), columns));
        lines.AddRange(rows.Skip(1).Select(r => Row(r, columns)));
        return string.Join('\n', lines);
    }

    /// <summary>The table's own rows in order (head, bodies, foot), not those of a table inside one of its cells.</summary>
    private static IEnumerable<IElement> Rows(IElement table) =>
        table.Children.SelectMany(c => c.LocalName is "thead" or "tbody" or "tfoot" ? c.Children : (IEnumerable<IElement>)[c]).Where(r => r.LocalName == "tr");

    private static string Row(List<string> cells, int columns) =>
        "| " + string.Join(" | ", cells.Concat(Enumerable.Repeat("", columns - cells.Count))) + " |";

    private string Definitions(IElement list) =>
        string.Join('\n', list.Children.Where(c => c.LocalName is "dt" or "dd").Select(c => (c.LocalName, Text: InlineOf(c).Replace('\n', ' ')))
            .Where(c => c.Text.Length > 0)
            .Select(c => c.LocalName == "dt" ? $"**{c.Text}**" : $": {c.Text}"));

    /// <summary>An absolute http(s) URL (or mailto: for links), with parentheses escaped so the Markdown link holds; null for anything else.</summary>
    private string? Resolve(string? reference, bool allowMail)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.TrimStart().StartsWith('#') || !Uri.TryCreate(_page, reference.Trim(), out var target))
            return null;
        if (target.Scheme is not ("http" or "https") && !(allowMail && target.Scheme == "mailto"))
            return null;
        return target.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal);
    }

    private static bool IsDropped(IElement element) =>
        Dropped.Contains(element.LocalName)
        || element.HasAttribute("hidden")
        || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase)
        || (element.GetAttribute("style") is { } style && style.Replace(" ", "", StringComparison.Ordinal).Contains("display:none", StringComparison.OrdinalIgnoreCase));

    private static string Collapse(string text)
    {
        var inline = new InlineText();
        inline.Append(text);
        return inline.Raw();
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var x in text)
        {
            run = x == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
