using System.Diagnostics.CodeAnalysis;

namespace Gateway.Host.Features.Dialects;

/// <summary>What a step before the upstream call gives: its value, or the <see cref="Refusal"/> the client gets instead, never both.</summary>
internal readonly struct RefusalOr<T>
    where T : class
{
    private RefusalOr(T? value, Refusal? refusal)
    {
        Value = value;
        Refusal = refusal;
    }

    /// <summary>Null exactly when <see cref="Refusal"/> is not.</summary>
    public T? Value { get; }

    public Refusal? Refusal { get; }

    /// <summary>True, with the refusal, when the step refused; false, with its value, when it did not.</summary>
    public bool Refused([NotNullWhen(true)] out Refusal? refusal, [NotNullWhen(false)] out T? value)
    {
        refusal = Refusal;
        value = Value;
        return refusal is not null;
    }

    public static implicit operator RefusalOr<T>(T value) => new(value, null);

    public static implicit operator RefusalOr<T>(Refusal refusal) => new(null, refusal);
}
