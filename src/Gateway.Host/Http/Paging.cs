using System.Buffers.Text;
using System.Text;

namespace Gateway.Host.Http;

/// <summary>Cursor paging over id order (ids are time-ordered): the cursor is the last id of the page, opaque to clients.</summary>
internal readonly record struct Paging(string? After, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static Paging Parse(string? cursor, int? limit, FieldErrors errors)
    {
        if (limit is < 1 or > MaxLimit)
            errors.Add("limit", $"must be between 1 and {MaxLimit}");
        string? after = null;
        if (cursor is not null)
        {
            try
            {
                after = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            }
            catch (FormatException)
            {
                errors.Add("cursor", "is not a cursor this API returned");
            }
        }

        return new Paging(after, limit ?? DefaultLimit);
    }

    /// <summary>Asks the store for one row more than the page, to know whether another page follows.</summary>
    public int Fetch => Limit + 1;

    public ListResponse<TOut> Page<TIn, TOut>(IReadOnlyList<TIn> rows, Func<TIn, string> id, Func<TIn, TOut> map)
    {
        var more = rows.Count > Limit;
        var page = more ? rows.Take(Limit).ToList() : rows;
        return new ListResponse<TOut>(
            [.. page.Select(map)],
            more ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id(page[^1]))) : null,
            more);
    }
}

/// <summary>One page of a list.</summary>
/// <param name="NextCursor">Pass as <c>cursor</c> to get the next page; null on the last page.</param>
internal sealed record ListResponse<T>(IReadOnlyList<T> Data, string? NextCursor, bool HasMore);
