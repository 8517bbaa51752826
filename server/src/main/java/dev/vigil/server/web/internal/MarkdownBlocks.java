package dev.vigil.server.web.internal;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Process documentation (Markdown, written by users) rendered for the UI <em>without</em> producing HTML: CommonMark
 * parses it and the top-level blocks become plain records (heading, paragraph, list, code, quote, rule) that the
 * template prints with {@code th:text}. Raw HTML in the Markdown therefore shows as text and links as their text; the
 * page stays within the "escape everything" rule and the Content-Security-Policy.
 */
final class MarkdownBlocks {
    private static final Parser PARSER = Parser.builder().build();

    /** One block: {@code kind} is h1..h6, p, ul, ol, code, quote or hr; {@code items} for lists. */
    record Block(String kind, String text, List<String> items) {}

    private MarkdownBlocks() {}

    static List<Block> render(String markdown) {
        List<Block> out = new ArrayList<>();
        Node doc = PARSER.parse(markdown == null ? "" : markdown);
        for (Node n = doc.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Heading h) {
                out.add(new Block("h" + Math.min(6, h.getLevel() + 1), text(h), List.of()));
            } else if (n instanceof BulletList || n instanceof OrderedList) {
                List<String> items = new ArrayList<>();
                for (Node i = n.getFirstChild(); i != null; i = i.getNext()) {
                    if (i instanceof ListItem) {
                        items.add(text(i).strip());
                    }
                }
                out.add(new Block(n instanceof OrderedList ? "ol" : "ul", "", items));
            } else if (n instanceof FencedCodeBlock c) {
                out.add(new Block("code", c.getLiteral(), List.of()));
            } else if (n instanceof IndentedCodeBlock c) {
                out.add(new Block("code", c.getLiteral(), List.of()));
            } else if (n instanceof BlockQuote q) {
                out.add(new Block("quote", text(q).strip(), List.of()));
            } else if (n instanceof org.commonmark.node.HtmlBlock h) {
                out.add(new Block("p", h.getLiteral().strip(), List.of()));
            } else if (n instanceof ThematicBreak) {
                out.add(new Block("hr", "", List.of()));
            } else {
                String t = text(n).strip();
                if (!t.isEmpty()) {
                    out.add(new Block("p", t, List.of()));
                }
            }
        }
        return out;
    }

    /** The plain text of a node: literal text and inline code, line breaks as spaces/newlines, blocks separated. */
    private static String text(Node node) {
        StringBuilder b = new StringBuilder();
        append(node, b);
        return b.toString();
    }

    private static void append(Node node, StringBuilder b) {
        for (Node c = node.getFirstChild(); c != null; c = c.getNext()) {
            if (c instanceof Text t) {
                b.append(t.getLiteral());
            } else if (c instanceof Code code) {
                b.append(code.getLiteral());
            } else if (c instanceof SoftLineBreak) {
                b.append(' ');
            } else if (c instanceof HardLineBreak) {
                b.append('\n');
            } else if (c instanceof FencedCodeBlock f) {
                b.append(f.getLiteral());
            } else if (c instanceof org.commonmark.node.HtmlInline h) {
                b.append(h.getLiteral());
            } else if (c instanceof org.commonmark.node.HtmlBlock h) {
                b.append(h.getLiteral());
            } else {
                if (b.length() > 0 && c instanceof org.commonmark.node.Block && b.charAt(b.length() - 1) != ' ') {
                    b.append(' ');
                }
                append(c, b);
            }
        }
    }
}
