using System.Reflection;
using Augur.Catalog.Files;
using Augur.Domain;

namespace Augur.Catalog.Loading;

/// <summary>
/// One kind of catalog entry (accelerators, systems, models, ...), each file read when first asked for. Every file is
/// named by the id of its entry, so a lookup reads that one file and a command reads only the few entries its scenario
/// names; a listing reads them all. Listings keep file order, then entries added by <see cref="CatalogStore.With(Accelerator, double?)"/>
/// in the order they were added. Safe to share between threads (the web app and parallel sweeps use one catalog).
/// </summary>
sealed class CatalogTable<T>
{
    readonly string _kind;
    readonly Func<MappingNode, T> _read;
    readonly Func<T, string> _id;
    readonly Assembly _assembly;
    readonly Dictionary<string, T> _entries;
    /// <summary>Files not read yet, by the id they hold: id → embedded resource name.</summary>
    readonly Dictionary<string, string> _unread;
    /// <summary>Every id, files first in file order.</summary>
    readonly List<string> _ids;
    readonly Lock _gate = new();

    public CatalogTable(string kind, Assembly assembly, Func<MappingNode, T> read, Func<T, string> id)
    {
        _kind = kind;
        _assembly = assembly;
        _read = read;
        _id = id;
        _entries = new(StringComparer.OrdinalIgnoreCase);
        _unread = new(StringComparer.OrdinalIgnoreCase);
        _ids = [];
    }

    CatalogTable(CatalogTable<T> from)
    {
        _kind = from._kind;
        _assembly = from._assembly;
        _read = from._read;
        _id = from._id;
        lock (from._gate)
        {
            _entries = new(from._entries, StringComparer.OrdinalIgnoreCase);
            _unread = new(from._unread, StringComparer.OrdinalIgnoreCase);
            _ids = [.. from._ids];
        }
    }

    /// <summary>A file of this kind, read when its entry is first needed.</summary>
    public void AddFile(string id, string resource)
    {
        _unread[id] = resource;
        _ids.Add(id);
    }

    /// <summary>A copy with <paramref name="entry"/> added, or replacing the entry (or the unread file) of its id.</summary>
    public CatalogTable<T> With(T entry)
    {
        var c = new CatalogTable<T>(this);
        string id = _id(entry);
        c._unread.Remove(id);
        if (!c._entries.ContainsKey(id) && !c._ids.Contains(id, StringComparer.OrdinalIgnoreCase)) c._ids.Add(id);
        c._entries[id] = entry;
        return c;
    }

    public bool TryGet(string id, out T entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out entry!)) return true;
            if (!_unread.TryGetValue(id, out var resource)) return false;
            entry = ReadFile(id, resource);
            return true;
        }
    }

    /// <summary>The entry of this id, or one line naming the nearest id, at <paramref name="where"/> (a scenario key's path) when given.</summary>
    public T Get(string id, string? where = null)
    {
        if (TryGet(id, out var entry)) return entry;
        string hint = Suggest.Nearest(id, Ids) is { } near ? $"; did you mean '{near}'?" : "";
        throw new InputException($"{(where is null ? "" : where + ": ")}unknown {_kind} '{id}'{hint} (run 'augur catalog list' to see all names)");
    }

    /// <summary>Every id, without reading any file.</summary>
    public IReadOnlyList<string> Ids
    {
        get { lock (_gate) return [.. _ids]; }
    }

    /// <summary>Every entry, each file read if it was not yet.</summary>
    public IReadOnlyList<T> All()
    {
        lock (_gate)
        {
            foreach (var (id, resource) in _unread.ToList()) ReadFile(id, resource);
            return _ids.Select(id => _entries[id]).ToList();
        }
    }

    T ReadFile(string id, string resource)
    {
        string name = resource["catalog/".Length..];
        var node = DataReader.Read(CatalogStore.Text(_assembly, resource), name, name.EndsWith(".json", StringComparison.Ordinal)) as MappingNode
            ?? throw new InputException($"catalog/{name}: expected a mapping");
        var entry = _read(node);
        if (!string.Equals(_id(entry), id, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"catalog/{name}: holds '{_id(entry)}', not '{id}'; a catalog file is named by the id of its entry");
        _unread.Remove(id);
        _entries[id] = entry;
        return entry;
    }
}
