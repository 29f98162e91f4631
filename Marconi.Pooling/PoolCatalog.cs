using System.Collections.Concurrent;
using System.Text.Json;

namespace Marconi.Pooling;

/// <summary>
/// The durable catalog: pool and flavor definitions and which pool each (project, queue) lives on. Every change is on
/// disk before its method returns; a refused change (see <see cref="CatalogOutcome"/>) writes nothing. Queues without an
/// entry live on the default store. A flavor's pools are the pools whose <see cref="PoolDefinition.Flavor"/> names it,
/// as in Zaqar 15, where a flavor's <c>pool_list</c> sets that field on each pool.
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

    /// <summary>The names of the pools of a flavor, by name.</summary>
    public IReadOnlyList<string> PoolsOf(string flavor)
    {
        lock (_gate)
        {
            return [.. _pools.Values.Where(p => p.Flavor == flavor).Select(p => p.Name)];
        }
    }

    /// <summary>The pool a queue lives on, or null for the default store.</summary>
    public string? PlacementOf(string project, string queue) => _placements.GetValueOrDefault((project, queue));

    /// <summary>True when some queue lives on the pool.</summary>
    public bool IsInUse(string pool) => QueueCount(pool) > 0;

    /// <summary>How many queues live on the pool.</summary>
    public int QueueCount(string pool)
    {
        var count = 0;
        foreach (var placement in _placements)
        {
            if (placement.Value == pool)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Creates or replaces a pool (Zaqar's PUT is an upsert). Refused with <see cref="CatalogOutcome.UriTaken"/> when
    /// another pool has the same store URI, and with <see cref="CatalogOutcome.HasQueues"/> when the pool holds queues
    /// and the URI would change.
    /// </summary>
    public CatalogOutcome PutPool(PoolDefinition pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        lock (_gate)
        {
            var existing = _pools.GetValueOrDefault(pool.Name);
            var refused = CheckUri(pool.Name, existing, pool.Uri);
            if (refused is { } outcome)
            {
                return outcome;
            }

            WritePool(pool);
            return existing is null ? CatalogOutcome.Created : CatalogOutcome.Updated;
        }
    }

    /// <summary>
    /// What <see cref="PutPool"/> (or, for an existing pool, <see cref="UpdatePool"/> with this URI) would refuse, or
    /// null: lets a caller check before it opens the URI's store. The change itself checks again.
    /// </summary>
    public CatalogOutcome? CheckPoolUri(string name, string uri)
    {
        lock (_gate)
        {
            return CheckUri(name, _pools.GetValueOrDefault(name), uri);
        }
    }

    /// <summary>
    /// Changes some fields of a pool (null leaves a field as it is; an empty <paramref name="flavor"/> takes the pool
    /// out of its flavor, as in Zaqar). Refused as <see cref="PutPool"/> is.
    /// </summary>
    public CatalogOutcome UpdatePool(string name, string? uri, long? weight, string? flavor, string? optionsJson)
    {
        lock (_gate)
        {
            if (!_pools.TryGetValue(name, out var existing))
            {
                return CatalogOutcome.NotFound;
            }

            var updated = existing with
            {
                Uri = uri ?? existing.Uri,
                Weight = weight ?? existing.Weight,
                Flavor = flavor is null ? existing.Flavor : flavor.Length == 0 ? null : flavor,
                OptionsJson = optionsJson ?? existing.OptionsJson,
            };
            var refused = CheckUri(name, existing, updated.Uri);
            if (refused is { } outcome)
            {
                return outcome;
            }

            WritePool(updated);
            return CatalogOutcome.Updated;
        }
    }

    /// <summary>
    /// Deletes a pool. Refused with <see cref="CatalogOutcome.HasQueues"/> while queues live on it (they would be
    /// orphaned) and with <see cref="CatalogOutcome.LastOfFlavor"/> when it is the only pool of an existing flavor.
    /// </summary>
    public CatalogOutcome DeletePool(string name)
    {
        lock (_gate)
        {
            if (!_pools.TryGetValue(name, out var pool))
            {
                return CatalogOutcome.NotFound;
            }

            if (IsInUse(name))
            {
                return CatalogOutcome.HasQueues;
            }

            if (pool.Flavor is { } flavor && _flavors.ContainsKey(flavor) && _pools.Values.Count(p => p.Flavor == flavor) == 1)
            {
                return CatalogOutcome.LastOfFlavor;
            }

            _journal.Append(w => { w.WriteString("op", "pool-delete"); w.WriteString("name", name); });
            _pools.Remove(name);
            return CatalogOutcome.Deleted;
        }
    }

    /// <summary>
    /// Creates or replaces a flavor whose pools are exactly <paramref name="pools"/> (each pool's flavor is set to it;
    /// pools it had before and not listed leave it). Refused with <see cref="CatalogOutcome.UnknownPool"/> (naming the
    /// pool in <paramref name="unknownPool"/>) when a listed pool does not exist.
    /// </summary>
    public CatalogOutcome PutFlavor(FlavorDefinition flavor, IReadOnlyList<string> pools, out string? unknownPool)
    {
        ArgumentNullException.ThrowIfNull(flavor);
        ArgumentNullException.ThrowIfNull(pools);
        lock (_gate)
        {
            var existed = _flavors.ContainsKey(flavor.Name);
            return WriteFlavor(flavor, pools, out unknownPool) ?? (existed ? CatalogOutcome.Updated : CatalogOutcome.Created);
        }
    }

    /// <summary>Changes a flavor's pools and/or capabilities (null leaves them as they are).</summary>
    public CatalogOutcome UpdateFlavor(string name, IReadOnlyList<string>? pools, string? capabilitiesJson, out string? unknownPool)
    {
        lock (_gate)
        {
            unknownPool = null;
            if (!_flavors.TryGetValue(name, out var existing))
            {
                return CatalogOutcome.NotFound;
            }

            var flavor = capabilitiesJson is null ? existing : existing with { CapabilitiesJson = capabilitiesJson };
            return WriteFlavor(flavor, pools ?? [.. _pools.Values.Where(p => p.Flavor == name).Select(p => p.Name)], out unknownPool) ?? CatalogOutcome.Updated;
        }
    }

    /// <summary>Deletes a flavor; its pools stay, without a flavor (as in Zaqar).</summary>
    public CatalogOutcome DeleteFlavor(string name)
    {
        lock (_gate)
        {
            if (!_flavors.ContainsKey(name))
            {
                return CatalogOutcome.NotFound;
            }

            _journal.Append(w => { w.WriteString("op", "flavor-delete"); w.WriteString("name", name); });
            ApplyFlavorDelete(name);
            return CatalogOutcome.Deleted;
        }
    }

    /// <summary>
    /// Places a new queue: a weighted pick among the pools of <paramref name="flavor"/> (the pools without a flavor
    /// when null, as Zaqar's catalog does), recorded durably. Returns the pool's name, or null when no such pool has
    /// weight; an existing placement is kept.
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

            var candidates = _pools.Values.Where(p => p.Weight > 0 && p.Flavor == flavor).ToList();
            var total = candidates.Sum(p => p.Weight);
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

    // Callers hold _gate.
    private CatalogOutcome? CheckUri(string name, PoolDefinition? existing, string uri)
    {
        var canonical = StoreUriResolver.Canonical(uri);
        foreach (var other in _pools.Values)
        {
            if (other.Name != name && StoreUriResolver.Canonical(other.Uri) == canonical)
            {
                return CatalogOutcome.UriTaken;
            }
        }

        if (existing is not null && StoreUriResolver.Canonical(existing.Uri) != canonical && IsInUse(name))
        {
            return CatalogOutcome.HasQueues;
        }

        return null;
    }

    // Callers hold _gate.
    private void WritePool(PoolDefinition pool)
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

    // Callers hold _gate. Null when written; the refusal otherwise.
    private CatalogOutcome? WriteFlavor(FlavorDefinition flavor, IReadOnlyList<string> pools, out string? unknownPool)
    {
        unknownPool = pools.FirstOrDefault(p => !_pools.ContainsKey(p));
        if (unknownPool is not null)
        {
            return CatalogOutcome.UnknownPool;
        }

        _journal.Append(w =>
        {
            w.WriteString("op", "flavor");
            w.WriteString("name", flavor.Name);
            w.WritePropertyName("capabilities");
            w.WriteRawValue(flavor.CapabilitiesJson);
            w.WriteStartArray("pools");
            foreach (var pool in pools)
            {
                w.WriteStringValue(pool);
            }

            w.WriteEndArray();
        });
        ApplyFlavor(flavor, pools);
        return null;
    }

    private void ApplyFlavor(FlavorDefinition flavor, IReadOnlyList<string> pools)
    {
        _flavors[flavor.Name] = flavor;
        foreach (var pool in _pools.Values.ToList())
        {
            var member = pools.Contains(pool.Name, StringComparer.Ordinal);
            if (member && pool.Flavor != flavor.Name)
            {
                _pools[pool.Name] = pool with { Flavor = flavor.Name };
            }
            else if (!member && pool.Flavor == flavor.Name)
            {
                _pools[pool.Name] = pool with { Flavor = null };
            }
        }
    }

    private void ApplyFlavorDelete(string name)
    {
        _flavors.Remove(name);
        foreach (var pool in _pools.Values.Where(p => p.Flavor == name).ToList())
        {
            _pools[pool.Name] = pool with { Flavor = null };
        }
    }

    private void Replay(JsonElement record)
    {
        string Text(string property) => record.GetProperty(property).GetString()!;
        switch (Text("op"))
        {
            case "pool":
                var flavor = record.GetProperty("flavor");
                _pools[Text("name")] = new PoolDefinition(Text("name"), Text("uri"), record.GetProperty("weight").GetInt64(),
                    flavor.ValueKind == JsonValueKind.Null ? null : flavor.GetString(), CatalogJournal.Raw(record.GetProperty("options")));
                break;
            case "pool-delete":
                _pools.Remove(Text("name"));
                break;
            case "flavor":
                var definition = new FlavorDefinition(Text("name"), CatalogJournal.Raw(record.GetProperty("capabilities")));
                if (record.TryGetProperty("pools", out var members))
                {
                    ApplyFlavor(definition, [.. members.EnumerateArray().Select(m => m.GetString()!)]);
                }
                else
                {
                    _flavors[definition.Name] = definition;
                }

                break;
            case "flavor-delete":
                ApplyFlavorDelete(Text("name"));
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
