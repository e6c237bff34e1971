module isola.local/scfruntime

go 1.19
