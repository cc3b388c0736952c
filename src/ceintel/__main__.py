from ceintel.cli import main

main()
