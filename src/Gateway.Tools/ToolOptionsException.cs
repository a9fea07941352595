namespace Gateway.Tools;

/// <summary>A request's tool entry carries an option the tool cannot take; <see cref="Option"/> names it as the client wrote it.</summary>
public sealed class ToolOptionsException(string option, string problem) : Exception($"{option} {problem}")
{
    public string Option => option;

    /// <summary>What is wrong with it, to follow its name: "must be an integer from 1 to 10".</summary>
    public string Problem => problem;
}
