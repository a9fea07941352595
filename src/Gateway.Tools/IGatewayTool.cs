using System.Text.Json.Nodes;

namespace Gateway.Tools;

/// <summary>A tool the gateway runs itself, offered to the model as a function. One session per client request.</summary>
public interface IGatewayTool
{
    /// <summary>The function name the model calls, e.g. <c>gateway_web_search</c>.</summary>
    string Name { get; }

    /// <summary>Whether the tool can run here; when not, a reason an operator can act on.</summary>
    ToolAvailability Availability { get; }

    /// <summary>The JSON Schema of the arguments the model passes; a new object on every read, free to be put in a request.</summary>
    JsonObject ParametersSchema { get; }

    /// <summary>
    /// A session for one client request, with the options of the request's tool entry (bounded by the
    /// operator's configuration). An unavailable tool still opens one: each of its runs fails with the reason.
    /// </summary>
    /// <exception cref="ToolOptionsException">An option is malformed: the caller answers 400 naming it.</exception>
    IToolSession OpenSession(JsonObject? requestOptions);
}
