// Shows an SVG document produced by core code (e.g. the CD diagram, whose builder escapes every label) and offers
// it as a download, so figures go straight into papers.
export function SvgFigure({ svg, fileName, title, testId }: { svg: string; fileName: string; title: string; testId?: string }) {
  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    a.download = fileName;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <figure className="card" data-testid={testId}>
      <figcaption className="toolbar"><strong>{title}</strong><button onClick={download} data-testid={testId ? `${testId}-download` : undefined}>Download SVG</button></figcaption>
      <div dangerouslySetInnerHTML={{ __html: svg }} />
    </figure>
  );
}
