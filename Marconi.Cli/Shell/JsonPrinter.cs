using System.Text;
using System.Text.Json;

namespace Marconi.Cli.Shell;

/// <summary>Writes JSON indented, with ANSI colours when the output is a terminal and plain otherwise.</summary>
internal static class JsonPrinter
{
    private const string Reset = "\u001b[0m";
    private const string KeyColour = "\u001b[36m";
    private const string StringColour = "\u001b[32m";
    private const string NumberColour = "\u001b[33m";
    private const string LiteralColour = "\u001b[35m";

    /// <summary>Formats <paramref name="json"/> indented by two spaces; coloured when <paramref name="colour"/> is set.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static string Format(string json, bool colour)
    {
        using var document = JsonDocument.Parse(json);
        var builder = new StringBuilder();
        Write(builder, document.RootElement, 0, colour);
        return builder.ToString();
    }

    private static void Write(StringBuilder output, JsonElement element, int depth, bool colour)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteContainer(output, depth, '{', '}', element.EnumerateObject().ToList(), (property, d) =>
                {
                    Paint(output, JsonSerializer.Serialize(property.Name), KeyColour, colour);
                    output.Append(": ");
                    Write(output, property.Value, d, colour);
                });
                break;
            case JsonValueKind.Array:
                WriteContainer(output, depth, '[', ']', element.EnumerateArray().ToList(), (item, d) => Write(output, item, d, colour));
                break;
            case JsonValueKind.String:
                Paint(output, element.GetRawText(), StringColour, colour);
                break;
            case JsonValueKind.Number:
                Paint(output, element.GetRawText(), NumberColour, colour);
                break;
            default:
                Paint(output, element.GetRawText(), LiteralColour, colour);
                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder output, int depth, char open, char close, List<T> items, Action<T, int> writeItem)
    {
        if (items.Count == 0)
        {
            output.Append(open).Append(close);
            return;
        }
        output.Append(open).Append('\n');
        for (var i = 0; i < items.Count; i++)
        {
            output.Append(' ', (depth + 1) * 2);
            writeItem(items[i], depth + 1);
            output.Append(i + 1 < items.Count ? ",\n" : "\n");
        }
        output.Append(' ', depth * 2).Append(close);
    }

    private static void Paint(StringBuilder output, string text, string ansi, bool colour)
    {
        if (colour)
        {
            output.Append(ansi).Append(text).Append(Reset);
        }
        else
        {
            output.Append(text);
        }
    }
}
