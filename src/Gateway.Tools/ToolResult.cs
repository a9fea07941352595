namespace Gateway.Tools;

/// <summary>
/// What a tool run found, structured, for the dialects that have a native shape for it (citations,
/// code-execution blocks); each tool derives its own, e.g. <c>WebSearchResult</c>.
/// </summary>
public abstract record ToolResult;
