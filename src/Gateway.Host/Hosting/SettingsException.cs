namespace Gateway.Host.Hosting;

/// <summary>Configuration the gateway cannot run with; the message names the setting and how to fix it.</summary>
internal sealed class SettingsException(string message) : Exception(message);
