using Marconi.Fuzz;
using Marconi.Fuzz.Targets;

return args switch
{
    ["fuzz", var name] => AflLoop.Run(name),
    ["replay", var name, .. var paths] when paths.Length > 0 && (name == "all" || FuzzTargets.Find(name) is not null) =>
        CorpusReplay.Run(name == "all" ? FuzzTargets.All : [FuzzTargets.Find(name)!], paths, Console.Out),
    ["list"] => List(),
    _ => Usage(),
};

static int List()
{
    foreach (var target in FuzzTargets.All)
    {
        Console.WriteLine($"{target.Name,-14} {target.Description}");
    }

    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Marconi.Fuzz fuzz TARGET              run TARGET under afl-fuzz (SharpFuzz persistent mode; see run.sh)
               Marconi.Fuzz replay TARGET|all PATH.. run every file (or every file under each folder) through the target(s)
               Marconi.Fuzz list                     the targets
        """);
    return 2;
}
