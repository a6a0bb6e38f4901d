from factdb.cli.app import main

main()
