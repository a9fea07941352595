using System.CommandLine;
using Gateway.Host.Cli;

var root = new RootCommand("Gateway: a self-hosted, multi-tenant LLM gateway (OpenAI, Anthropic and Gemini dialects, pooled upstream keys, budgets).")
{
    ServeCommand.Create(),
    MigrateCommand.Create(),
    InitCommand.Create(),
    OpenApiCommand.Create(),
};

// Shutdown belongs to the web host (it drains requests, then the embedded database stops), so the
// parser must not kill the process two seconds after Ctrl+C.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
