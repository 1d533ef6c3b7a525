# fish completion for grove. Installed as
# $(PREFIX)/share/fish/vendor_completions.d/grove.fish; to try it from a
# checkout: source config/completions/grove.fish
#
# grove itself says what fits (`grove __complete WORDS...`): the first line
# of its answer is the kind, the rest are the candidates.

function __grove_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l out ($words[1] __complete $words[2..-1] "$cur" 2>/dev/null)
    switch "$out[1]"
        case :words :paths :described
            # fish shows what follows a tab as the description
            printf '%s\n' $out[2..-1]
        case :files :dirs
            # --directory=/pa: complete the value, keep the option before it
            set -l opt (string match -r -- '^--[^=]*=' "$cur")
            set -l value (string replace -r -- '^--[^=]*=' '' "$cur")
            if test "$out[1]" = :dirs
                __fish_complete_directories "$value" | string replace -r -- '^' "$opt"
            else
                __fish_complete_path "$value" | string replace -r -- '^' "$opt"
            end
    end
end

complete -c grove -f -a '(__grove_complete)'
