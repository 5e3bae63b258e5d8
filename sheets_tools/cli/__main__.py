from sheets_tools.cli import main

main()
