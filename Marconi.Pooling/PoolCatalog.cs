using System.Collections.Concurrent;
using System.Text.Json;

namespace Marconi.Pooling;

/// <summary>
/// The durable catalog: pool and flavor definitions and which pool each (project, queue) lives on. Every change is on
/// disk before its method returns. Queues without an entry live on the default store.
/// </summary>
public sealed class PoolCatalog : IDisposable
{
    /// <summary>The journal's file name in the data directory.</summary>
    public const string FileName = "pools-catalog.jsonl";

    private readonly object _gate = new();
    private readonly SortedDictionary<string, PoolDefinition> _pools = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, FlavorDefinition> _flavors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Project, string Queue), string> _placements = new();
    private readonly CatalogJournal _journal;

    private PoolCatalog(string path) => _journal = CatalogJournal.Open(path, Replay);

    /// <summary>Opens (or creates) the catalog in <paramref name="directory"/>.</summary>
    public static PoolCatalog Open(string directory)
    {
        Directory.CreateDirectory(directory);
        return new PoolCatalog(Path.Combine(directory, FileName));
    }

    /// <summary>True when some queue lives on a pool (else every call goes to the default store).</summary>
    public bool HasPlacements => !_placements.IsEmpty;

    /// <summary>The pools, by name.</summary>
    public IReadOnlyList<PoolDefinition> Pools
    {
        get
        {
            lock (_gate)
            {
                return [.. _pools.Values];
            }
        }
    }

    /// <summary>The flavors, by name.</summary>
    public IReadOnlyList<FlavorDefinition> Flavors
    {
        get
        {
            lock (_gate)
            {
                return [.. _flavors.Values];
            }
        }
    }

    /// <summary>A pool by name, or null.</summary>
    public PoolDefinition? GetPool(string name)
    {
        lock (_gate)
        {
            return _pools.GetValueOrDefault(name);
        }
    }

    /// <summary>A flavor by name, or null.</summary>
    public FlavorDefinition? GetFlavor(string name)
    {
        lock (_gate)
        {
            return _flavors.GetValueOrDefault(name);
        }
    }

    /// <summary>The pool a queue lives on, or null for the default store.</summary>
    public string? PlacementOf(string project, string queue) => _placements.GetValueOrDefault((project, queue));

    /// <summary>True when some queue lives on the pool.</summary>
    public bool IsInUse(string pool) => _placements.Values.Contains(pool, StringComparer.Ordinal);

    /// <summary>Creates or replaces a pool.</summary>
    public void PutPool(PoolDefinition pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        lock (_gate)
        {
            _journal.Append(w =>
            {
                w.WriteString("op", "pool");
                w.WriteString("name", pool.Name);
                w.WriteString("uri", pool.Uri);
                w.WriteNumber("weight", pool.Weight);
                w.WriteString("flavor", pool.Flavor);
                w.WritePropertyName("options");
                w.WriteRawValue(pool.OptionsJson);
            });
            _pools[pool.Name] = pool;
        }
    }

    /// <summary>Deletes a pool; false when it did not exist.</summary>
    public bool DeletePool(string name)
    {
        lock (_gate)
        {
            if (!_pools.ContainsKey(name))
            {
                return false;
            }

            _journal.Append(w => { w.WriteString("op", "pool-delete"); w.WriteString("name", name); });
            _pools.Remove(name);
            return true;
        }
    }

    /// <summary>Creates or replaces a flavor.</summary>
    public void PutFlavor(FlavorDefinition flavor)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        lock (_gate)
        {
            _journal.Append(w =>
            {
                w.WriteString("op", "flavor");
                w.WriteString("name", flavor.Name);
                w.WritePropertyName("capabilities");
                w.WriteRawValue(flavor.CapabilitiesJson);
            });
            _flavors[flavor.Name] = flavor;
        }
    }

    /// <summary>Deletes a flavor; false when it did not exist.</summary>
    public bool DeleteFlavor(string name)
    {
        lock (_gate)
        {
            if (!_flavors.ContainsKey(name))
            {
                return false;
            }

            _journal.Append(w => { w.WriteString("op", "flavor-delete"); w.WriteString("name", name); });
            _flavors.Remove(name);
            return true;
        }
    }

    /// <summary>
    /// Places a new queue: a weighted pick among the pools of <paramref name="flavor"/> (all pools when null), recorded
    /// durably. Returns the pool's name, or null (default store) when no pool has weight; an existing placement is kept.
    /// </summary>
    public string? Place(string project, string queue, string? flavor, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        lock (_gate)
        {
            if (_placements.TryGetValue((project, queue), out var existing))
            {
                return existing;
            }

            var candidates = _pools.Values.Where(p => p.Weight > 0 && (flavor is null || p.Flavor == flavor)).ToList();
            var total = candidates.Sum(p => (long)p.Weight);
            if (total == 0)
            {
                return null;
            }

            var ticket = random.NextInt64(total);
            var chosen = candidates[^1];
            foreach (var candidate in candidates)
            {
                if (ticket < candidate.Weight)
                {
                    chosen = candidate;
                    break;
                }

                ticket -= candidate.Weight;
            }

            _journal.Append(w =>
            {
                w.WriteString("op", "place");
                w.WriteString("project", project);
                w.WriteString("queue", queue);
                w.WriteString("pool", chosen.Name);
            });
            _placements[(project, queue)] = chosen.Name;
            return chosen.Name;
        }
    }

    /// <summary>Forgets a deleted queue's placement.</summary>
    public void Remove(string project, string queue)
    {
        lock (_gate)
        {
            if (!_placements.ContainsKey((project, queue)))
            {
                return;
            }

            _journal.Append(w => { w.WriteString("op", "unplace"); w.WriteString("project", project); w.WriteString("queue", queue); });
            _placements.TryRemove((project, queue), out _);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _journal.Dispose();

    private void Replay(JsonElement record)
    {
        string Text(string property) => record.GetProperty(property).GetString()!;
        switch (Text("op"))
        {
            case "pool":
                var flavor = record.GetProperty("flavor");
                _pools[Text("name")] = new PoolDefinition(Text("name"), Text("uri"), record.GetProperty("weight").GetInt32(),
                    flavor.ValueKind == JsonValueKind.Null ? null : flavor.GetString(), CatalogJournal.Raw(record.GetProperty("options")));
                break;
            case "pool-delete":
                _pools.Remove(Text("name"));
                break;
            case "flavor":
                _flavors[Text("name")] = new FlavorDefinition(Text("name"), CatalogJournal.Raw(record.GetProperty("capabilities")));
                break;
            case "flavor-delete":
                _flavors.Remove(Text("name"));
                break;
            case "place":
                _placements[(Text("project"), Text("queue"))] = Text("pool");
                break;
            case "unplace":
                _placements.TryRemove((Text("project"), Text("queue")), out _);
                break;
        }
    }
}
